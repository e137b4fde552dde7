import base64

from odoo import models

from ..tools.chinese_amount import amount_in_chinese_capitals

# Table rows that fit on an A4 page of the statement PDF (rows do not wrap: see the template).
LINES_ON_FIRST_PAGE = 22
LINES_PER_PAGE = 44


class MonthlySettlementStatement(models.Model):
    _inherit = "monthly.settlement.statement"

    def _get_statement_reports(self):
        """The PDF and the XLSX go with every statement (email attachments, portal downloads)."""
        return (
            super()._get_statement_reports()
            | self.env.ref("monthly_settlement_reports.action_report_statement_pdf")
            | self.env.ref("monthly_settlement_reports.action_report_statement_xlsx")
        )

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

    def _report_line_pages(self, first_page=LINES_ON_FIRST_PAGE, other_pages=LINES_PER_PAGE):
        """Lines cut into page-sized tables, each printed with its own header row: Debian's
        wkhtmltopdf (unpatched Qt) does not repeat a table header on the next page."""
        self.ensure_one()
        lines = self.line_ids
        pages = [lines[:first_page]]
        pages += [lines[start : start + other_pages] for start in range(first_page, len(lines), other_pages)]
        return pages
