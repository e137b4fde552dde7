import base64
import io

import qrcode
from PIL import Image

from odoo import api, fields, models
from odoo.tools import SQL, float_round, format_date
from odoo.tools.misc import get_lang

from odoo.addons.monthly_settlement.tools.access import check_settlement_group
from odoo.addons.monthly_settlement.tools.cron import process_in_batches

from ..tools.chinese_amount import amount_in_chinese_capitals

# Table rows that fit on an A4 page of the statement PDF (rows do not wrap: see the template).
LINES_ON_FIRST_PAGE = 22
# Printed for post, the envelope window's address block takes about 45 mm of the first page.
LINES_ON_FIRST_PAGE_FOR_POST = 14
LINES_PER_PAGE = 44
# Pixels of the QR code image (printed 90 px wide; tests/test_portal_setting.py finds it by its size).
QR_PIXELS = 240
# Statements per wkhtmltopdf run of the scheduled action (see `_render_pdfs`).
PDF_BATCH_SIZE = 40


class MonthlySettlementStatement(models.Model):
    _inherit = "monthly.settlement.statement"

    pdf_queued = fields.Boolean(
        string="PDF Queued", copy=False, readonly=True, help="The PDF is being prepared in the background."
    )

    def _get_statement_reports(self):
        """The PDF and the XLSX go with every statement (email attachments, portal downloads)."""
        return (
            super()._get_statement_reports()
            | self.env.ref("monthly_settlement_reports.action_report_statement_pdf")
            | self.env.ref("monthly_settlement_reports.action_report_statement_xlsx")
        )

    def _report_shows_answer(self, report):
        """The statement PDF prints who confirmed and when (or the deemed confirmation) instead of
        the blank confirmation block and QR code of the file sent."""
        return (
            report == self.env.ref("monthly_settlement_reports.action_report_statement_pdf")
            and self.state
            in (
                "confirmed",
                "deemed",
            )
        ) or super()._report_shows_answer(report)

    def _get_answered_pdf_name(self):
        """Name under which the PDF showing the customer's answer is kept (see the report's
        `attachment`): one per answer, so that a deemed confirmation later confirmed is printed anew."""
        self.ensure_one()
        statement = self.with_context(lang=self._get_statement_lang())
        state = dict(self._fields["state"]._description_selection(statement.env))[self.state]
        return f"{statement._get_report_base_filename()} ({state}).pdf"

    def _amount_due_in_words(self):
        """Closing balance in words: Chinese capitals for CNY (大写金额), Odoo's wording otherwise."""
        self.ensure_one()
        if self.currency_id.name == "CNY":
            return amount_in_chinese_capitals(self.closing_balance)
        return self.currency_id.with_context(lang=self._get_statement_lang()).amount_to_text(self.closing_balance)

    def _portal_qr_code(self):
        """QR code (PNG data URI) of the statement's portal link with its access token, so the
        customer can confirm from a phone; rendered here, not fetched by wkhtmltopdf."""
        self.ensure_one()
        url = self.get_base_url() + self.get_portal_url()
        # Drawn with qrcode (Odoo requires it) in a 1-bit PNG, whole pixels per module: reportlab's
        # drawing behind `ir.actions.report.barcode` takes ~140 ms a code, a tenth of a statement's time.
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, border=4)
        code.add_data(url)
        code.make(fit=True)
        code.box_size = max(1, QR_PIXELS // (code.modules_count + 2 * code.border))
        image = Image.new("1", (QR_PIXELS, QR_PIXELS), 1)
        drawn = code.make_image().get_image()
        offset = (QR_PIXELS - drawn.size[0]) // 2
        image.paste(drawn, (offset, offset))
        png = io.BytesIO()
        image.save(png, format="PNG")
        return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()

    def _report_line_pages(self, for_post=False, other_pages=LINES_PER_PAGE):
        """Rows cut into page-sized tables, each printed with its own header row: Debian's
        wkhtmltopdf (unpatched Qt) does not repeat a table header on the next page. A row is a
        statement line, or one of its product lines when the customer wants them."""
        self.ensure_one()
        first_page = LINES_ON_FIRST_PAGE_FOR_POST if for_post else LINES_ON_FIRST_PAGE
        rows = self._report_rows()
        pages = [rows[:first_page]]
        pages += [rows[start : start + other_pages] for start in range(first_page, len(rows), other_pages)]
        return pages

    def _report_line_formats(self):
        """How the PDF prints its lines' dates, types and amounts: as the date, selection and float
        widgets do (the same functions), each date formatted once per statement. Widgets per cell
        cost about 2.5 ms a line, most of a long statement's rendering."""
        self.ensure_one()
        env, digits = self.env, self.currency_id.decimal_places
        lang = env["res.lang"].browse(get_lang(env).id)  # as the float widget's `user_lang`
        dates = {}

        def date(value):
            if value not in dates:
                dates[value] = format_date(env, value)
            return dates[value]

        def amount(value):
            formatted = lang.format(f"%.{digits}f", float_round(value, precision_digits=digits), grouping=True)
            return formatted.replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")

        line_types = dict(self.line_ids._fields["line_type"]._description_selection(env))
        return {"date": date, "amount": amount, "line_type": line_types}

    def _report_rows(self):
        """The statement's lines in order, each followed by its product lines (if any)."""
        self.ensure_one()
        return [row for line in self.line_ids for row in (line, *line.detail_ids)]

    def action_print_for_post(self):
        """Print for Post: asks for the posting date, then gives one PDF of the statements and
        records their posting (see `_mark_posted`)."""
        check_settlement_group(self.env, "reviewer")
        return self._open_statement_wizard("monthly.settlement.print.post", self.env._("Print for Post"))

    def action_prepare_pdfs(self):
        """Queue the PDFs of the selected statements; a background job renders and attaches them."""
        self.check_access("read")
        for statement in self:
            statement._portal_ensure_token()  # the QR code's link, written now rather than by the renderers
        self.sudo().pdf_queued = True
        self.env.ref("monthly_settlement_reports.ir_cron_render_statement_pdfs")._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(count)s PDFs are being prepared; they will be attached to their statements.",
                    count=len(self),
                ),
            },
        }

    @api.model
    def _cron_render_pdfs(self):
        def render(batch):
            batch._render_pdfs()
            batch.sudo().pdf_queued = False

        process_in_batches(self.env, self.search([("pdf_queued", "=", True)]), PDF_BATCH_SIZE, render)

    def _render_pdfs(self):
        """Render and attach the PDFs of these statements, in one wkhtmltopdf run (see
        ``ir.actions.report._render_statement_pdfs``). Idempotent: a statement whose PDF for what
        it says now is already there (the file sent, the PDF showing the customer's answer, or one
        prepared since it was last generated: see the report's `retrieve_attachment`) is skipped,
        so that a retried job makes no second PDF. Concurrency comes from running several jobs."""
        report = self.env.ref("monthly_settlement_reports.action_report_statement_pdf").sudo()
        todo = self.sudo().filtered(lambda statement: not report.retrieve_attachment(statement))
        if not todo:
            return
        # Two jobs on the same statements: the second waits here, then fails to serialize (and is
        # retried) instead of attaching a second PDF.
        self.env.cr.execute(
            SQL("UPDATE %s SET pdf_queued = FALSE WHERE id IN %s", SQL.identifier(self._table), tuple(todo.ids))
        )
        todo.invalidate_recordset(["pdf_queued"])
        streams = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(force_report_rendering=True, webp_as_jpg=True)
            ._render_qweb_pdf_prepare_streams(report, {"report_type": "pdf"}, res_ids=todo.ids)
        )
        for statement in todo:
            statement._attach_pdf(report, streams[statement.id]["stream"].getvalue())

    def _attach_pdf(self, report, content):
        """Attach the statement's PDF: under the report's name for it when it shows the customer's
        answer (Odoo finds it by name), else as the PDF prepared for the statement as generated,
        replacing the one prepared before it was last regenerated (never a file sent: those of a
        sent statement are kept, and a sent statement prints the file sent)."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()
        if self._report_shows_answer(report):
            Attachment.create(self._pdf_attachment_values(self._get_answered_pdf_name(), content))
            return
        values = self._pdf_attachment_values(f"{self._get_report_base_filename()}.pdf", content)
        values["description"] = self._prepared_pdf_key()
        stale = Attachment.browse() if self._has_kept_files() else self._get_prepared_pdf(current=False)
        if stale:
            stale.write(values)
        else:
            Attachment.create(values)

    def _pdf_attachment_values(self, name, content):
        return {"name": name, "raw": content, "res_model": self._name, "res_id": self.id, "mimetype": "application/pdf"}

    def _prepared_pdf_key(self):
        """What a prepared PDF was made from (kept in its description): the statement's generation,
        which regenerating a draft changes, as the record of sendings does (see `_get_sent_attachments`)."""
        self.ensure_one()
        return f"monthly_settlement statement {self.id} generated {fields.Datetime.to_string(self.generate_date)}"

    def _get_prepared_pdf(self, current=True):
        """The PDF `_render_pdfs` attached for the statement as it stands (``current``), or the
        latest one it attached whatever the generation (in sudo)."""
        self.ensure_one()
        domain = [
            ("res_model", "=", self._name),
            ("res_id", "=", self.id),
            ("mimetype", "=", "application/pdf"),
            ("description", "=like", f"monthly_settlement statement {self.id} generated %"),
        ]
        if current:
            domain.append(("description", "=", self._prepared_pdf_key()))
        return self.env["ir.attachment"].sudo().search(domain, order="id desc", limit=1)


class MonthlySettlementStatementLine(models.Model):
    _inherit = "monthly.settlement.statement.line"

    def _report_reference(self):
        """The Reference column of the PDF and XLSX: the line's reference (unless it repeats the
        document), and on a delivery statement with stock the delivery order (送货单号) the customer
        matches against its receiving note."""
        self.ensure_one()
        parts = [self.ref if self.ref != self.name else ""]
        if "delivery_ref" in self._fields and self.delivery_ref:
            parts.append(self.env._("Delivery Order %(number)s", number=self.delivery_ref))
        return " · ".join(part for part in parts if part)
