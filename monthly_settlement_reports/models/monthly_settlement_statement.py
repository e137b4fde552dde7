import base64
from concurrent.futures import ThreadPoolExecutor

from odoo import api, fields, models, modules

from odoo.addons.monthly_settlement.tools.access import check_settlement_group
from odoo.addons.monthly_settlement.tools.cron import process_in_batches

from ..tools.chinese_amount import amount_in_chinese_capitals

# Table rows that fit on an A4 page of the statement PDF (rows do not wrap: see the template).
LINES_ON_FIRST_PAGE = 22
# Printed for post, the envelope window's address block takes about 45 mm of the first page.
LINES_ON_FIRST_PAGE_FOR_POST = 14
LINES_PER_PAGE = 44
# wkhtmltopdf runs as a subprocess, mostly waiting (start-up, asset requests): on 2 cores, 8 at a
# time gave 5.7 statements/s against 3.1 with 4 and 0.8 with 1 (tests/benchmarks/bench_reports.py).
PDF_WORKERS = 8
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
        png = self.env["ir.actions.report"].barcode("QR", url, width=240, height=240)
        return "data:image/png;base64," + base64.b64encode(png).decode()

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

    def _render_pdfs(self, workers=PDF_WORKERS):
        """Render and attach the statements' PDFs, several wkhtmltopdf processes at a time.

        One statement per wkhtmltopdf call (Debian's unpatched build refuses several). Each
        thread works in its own cursor, so the statements must be committed (they are, in the
        background job)."""
        report = self.env.ref("monthly_settlement_reports.action_report_statement_pdf")
        uid, context = self.env.uid, dict(self.env.context, force_report_rendering=True)

        def render(env, statement_id):
            statement = env[self._name].browse(statement_id)
            content, _kind = env["ir.actions.report"]._render_qweb_pdf(report.id, statement.ids)
            env["ir.attachment"].create(
                {
                    "name": f"{statement._get_report_base_filename()}.pdf",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": statement_id,
                    "mimetype": "application/pdf",
                }
            )

        def render_in_own_cursor(statement_id):
            with self.pool.cursor() as cr:
                render(api.Environment(cr, uid, context), statement_id)

        if workers <= 1 or modules.module.current_test:
            # Tests share one cursor, which wkhtmltopdf's asset requests need too: one at a time
            # (as Odoo's mail server checks the same flag to keep tests off SMTP).
            for statement_id in self.ids:
                render(self.env(context=context), statement_id)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(render_in_own_cursor, self.ids))


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
