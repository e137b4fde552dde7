from collections import OrderedDict

from odoo import models

STATEMENT_MODEL = "monthly.settlement.statement"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

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
