from datetime import datetime

from odoo import models


class ConfirmationLetterSummaryXlsx(models.AbstractModel):
    """The reply summary for the audit file: one row per letter, then the reply figures."""

    _name = "report.monthly_settlement_audit.letter_summary_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Confirmation Letters Summary (XLSX)"

    def generate_xlsx_report(self, workbook, data, letters):
        env = self.env
        bold = workbook.add_format({"bold": True})
        header = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "bottom": 1})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        amount = workbook.add_format({"num_format": "#,##0.00;-#,##0.00;0.00"})
        percent = workbook.add_format({"num_format": "0.0%"})
        labels = {
            name: dict(letters._fields[name]._description_selection(env)) for name in ("form", "state", "reply_kind")
        }

        sheet = workbook.add_worksheet(env._("Letters"))
        columns = [
            (env._("Number"), 18),
            (env._("Customer"), 30),
            (env._("Batch"), 22),
            (env._("Form"), 10),
            (env._("Balance Date"), 12),
            (env._("Currency"), 8),
            (env._("Our Balance"), 14),
            (env._("Status"), 12),
            (env._("Reply"), 14),
            (env._("Their Balance"), 14),
            (env._("Difference"), 14),
            (env._("Answered by"), 16),
            (env._("Answered on"), 17),
            (env._("Comment"), 30),
            (env._("Sent on"), 17),
            (env._("PDF SHA-256"), 66),
        ]
        for col, (title, width) in enumerate(columns):
            sheet.write(0, col, title, header)
            sheet.set_column(col, col, width)
        for row, letter in enumerate(letters.sorted("name"), start=1):
            sheet.write(row, 0, letter.name)
            sheet.write(row, 1, letter.partner_id.name)
            sheet.write(row, 2, letter.batch_name or "")
            sheet.write(row, 3, labels["form"][letter.form])
            sheet.write_datetime(row, 4, datetime.combine(letter.balance_date, datetime.min.time()), date_format)
            sheet.write(row, 5, letter.currency_id.name)
            sheet.write_number(row, 6, letter.balance, amount)
            sheet.write(row, 7, labels["state"][letter.state])
            sheet.write(row, 8, labels["reply_kind"].get(letter.reply_kind, ""))
            if letter.reply_kind:
                sheet.write_number(row, 9, letter.reply_amount, amount)
                sheet.write_number(row, 10, letter.difference, amount)
            sheet.write(row, 11, letter.reply_name or "")
            if letter.reply_date:
                sheet.write_datetime(row, 12, letter.reply_date, datetime_format)
            sheet.write(row, 13, letter.reply_comment or "")
            if letter.send_date:
                sheet.write_datetime(row, 14, letter.send_date, datetime_format)
            sheet.write(row, 15, letter.sent_pdf_sha256 or "")

        summary = workbook.add_worksheet(env._("Summary"))
        summary.set_column(0, 0, 28)
        summary.set_column(1, 1, 14)
        sent = letters.filtered(lambda letter: letter.state != "draft")
        figures = [
            (env._("Letters sent"), len(sent)),
            (env._("Answered"), len(sent.filtered(lambda letter: letter.state == "answered"))),
            (env._("Agreed (answered or deemed)"), len(sent.filtered("is_agreed"))),
            (env._("With differences"), len(sent.filtered("has_difference"))),
            (env._("No reply"), len(sent.filtered(lambda letter: letter.state == "no_reply"))),
            (env._("Still waiting"), len(sent.filtered(lambda letter: letter.state == "sent"))),
        ]
        summary.write(0, 0, env._("Balance Confirmation Letters"), bold)
        for row, (label, value) in enumerate(figures, start=1):
            summary.write(row, 0, label)
            summary.write_number(row, 1, value)
        rate_row = len(figures) + 1
        summary.write(rate_row, 0, env._("Reply rate"))
        summary.write_number(rate_row, 1, (figures[1][1] / len(sent)) if sent else 0, percent)
