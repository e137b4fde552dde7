from datetime import datetime

from odoo import models

FIRST_LINE_ROW = 9  # 0-based row of the first checklist line (the header row is the one before)
LINE_COLUMNS = (
    "sequence",
    "statement_id",
    "partner_id",
    "period_end",
    "currency_id",
    "closing_balance",
    "ledger_balance",
    "ledger_result",
    "four_eyes_result",
    "send_delay_days",
    "sent_result",
    "confirmation_result",
    "integrity_result",
    "integrity_note",
    "status",
    "findings",
    "corrective_action",
    "checked_uid",
)


class AuditSampleXlsx(models.AbstractModel):
    """The sample's findings for the audit file: what was drawn and how, then one row per statement
    with each check's result, the findings and the corrective actions."""

    _name = "report.monthly_settlement_audit.report_audit_sample_xlsx"
    _inherit = "report.monthly_settlement_reports.statement_sheet"
    _description = "Statement Audit Sample Findings (XLSX)"

    def generate_xlsx_report(self, workbook, data, objs):
        env = self.env
        formats = self._formats(workbook)
        for sample in objs:
            sheet = workbook.add_worksheet(sample.name.replace("/", "-"))
            sheet.write(0, 0, env._("Audit sample %(name)s", name=sample.name), formats["title"])
            header = [
                ("company_id", sample.company_id.name),
                ("date_from", self._as_datetime(sample.date_from)),
                ("date_to", self._as_datetime(sample.date_to)),
                ("seed", sample.seed),
                ("population_count", sample.population_count),
                ("drawn_count", sample.drawn_count),
                ("send_days", sample.send_days),
            ]
            for row, (name, value) in enumerate(header, start=1):
                sheet.write(row, 0, sample._fields[name]._description_string(env), formats["bold"])
                if isinstance(value, datetime):
                    sheet.write_datetime(row, 1, value, formats["date"])
                else:
                    sheet.write(row, 1, value)
            Line = env["monthly.settlement.audit.sample.line"]
            sheet.write_row(
                FIRST_LINE_ROW - 1,
                0,
                [Line._fields[name]._description_string(env) for name in LINE_COLUMNS],
                formats["header"],
            )
            for row, line in enumerate(sample.line_ids, start=FIRST_LINE_ROW):
                for column, name in enumerate(LINE_COLUMNS):
                    self._write_value(sheet, row, column, line, name, formats)
            sheet.set_column(0, 0, 6)
            sheet.set_column(1, 2, 24)
            sheet.set_column(3, len(LINE_COLUMNS) - 1, 14)
            sheet.freeze_panes(FIRST_LINE_ROW, 2)

    def _write_value(self, sheet, row, column, line, name, formats):
        field = line._fields[name]
        value = line[name]
        if field.type == "selection":
            sheet.write(row, column, dict(field._description_selection(self.env)).get(value, ""))
        elif field.type == "many2one":
            sheet.write(row, column, value.display_name or "")
        elif field.type == "date":
            sheet.write_datetime(row, column, self._as_datetime(value), formats["date"])
        elif field.type == "monetary":
            sheet.write_number(row, column, value, formats["amount"])
        else:
            sheet.write(row, column, value or ("" if field.type in ("char", "text") else value))
