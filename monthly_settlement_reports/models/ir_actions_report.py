from collections import OrderedDict

from odoo import models

STATEMENT_MODEL = "monthly.settlement.statement"
STATEMENT_PDF = "monthly_settlement_reports.action_report_statement_pdf"
STATEMENT_XLSX = "monthly_settlement_reports.action_report_statement_xlsx"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def retrieve_attachment(self, record):
        """A statement's PDF is the file the customer received, byte for byte, until their answer
        (confirmed, deemed confirmed) is printed on it: that one is made once and kept (the report's
        `attachment`), the file sent staying available as what was sent."""
        if (
            record._name == STATEMENT_MODEL
            and self == self.env.ref(STATEMENT_PDF)
            and not record._report_shows_answer(self)
        ):
            sent = record._get_sent_file("pdf")
            if sent:
                return sent.sudo()
        return super().retrieve_attachment(record)

    def _render_xlsx(self, report_ref, docids, data):
        """A sent statement's workbook, printed again, is the one the customer received (unless it
        shows the customer's answer given since)."""
        report = self._get_report(report_ref)
        if report == self.env.ref(STATEMENT_XLSX) and docids and len(docids) == 1:
            statement = self.env[STATEMENT_MODEL].browse(docids)
            sent = statement._get_sent_file("xlsx")
            if sent and not statement._report_shows_answer(report):
                return sent.sudo().raw, "xlsx"
        return super()._render_xlsx(report_ref, docids, data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Statement PDFs of several statements (a list selection, Print for Post): one
        wkhtmltopdf call per statement, merged by Odoo as usual. Debian's wkhtmltopdf (unpatched
        Qt) refuses several documents in one call; each statement starts on a new page either way."""
        report = self._get_report(report_ref)
        if report.model != STATEMENT_MODEL or not res_ids or len(res_ids) < 2 or len(set(res_ids)) != len(res_ids):
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        streams = OrderedDict()
        for res_id in res_ids:
            streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, dict(data or {}), res_ids=[res_id]))
        return streams
