from odoo import http
from odoo.http import request

from odoo.addons.monthly_settlement.controllers.portal import STATEMENT_MODEL, MonthlySettlementPortal


class MonthlySettlementAuditPortal(MonthlySettlementPortal):
    """The statement page and its downloads leave a line in the portal access log."""

    @http.route()
    def portal_statement_page(self, statement_id, access_token=None, report_id=None, download=False, **kwargs):
        response = super().portal_statement_page(
            statement_id, access_token=access_token, report_id=report_id, download=download, **kwargs
        )
        if response.status_code == 200:  # shown or downloaded (refusals raise, old revisions redirect)
            statement = request.env[STATEMENT_MODEL].sudo().browse(statement_id)
            # The page downloads what report_id names when it is a number (checked by the page).
            is_download = bool(report_id and report_id.isdigit())
            request.env["monthly.settlement.statement.access"]._log_portal_access(
                statement,
                self._portal_author(statement),
                request.httprequest.remote_addr,
                report=request.env["ir.actions.report"].sudo().browse(int(report_id)) if is_download else None,
            )
        return response
