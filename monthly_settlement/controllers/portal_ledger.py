from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from .portal import STATEMENT_MODEL, MonthlySettlementPortal

LEDGER_MATCH_MODEL = "monthly.settlement.ledger.match"
LEDGER_ERROR_KEY = "monthly_settlement_ledger_error"


class MonthlySettlementLedgerPortal(MonthlySettlementPortal):
    """The customer's own ledger uploaded next to a statement, its match shown on the statement
    page, and the differences sent as the customer's dispute."""

    def _get_page_view_values(self, document, access_token, values, session_history, no_breadcrumbs, **kwargs):
        if document._name == STATEMENT_MODEL:
            values = dict(
                values,
                ledger_match=request.env[LEDGER_MATCH_MODEL].sudo()._latest_for(document),
                ledger_error=request.session.pop(LEDGER_ERROR_KEY, None),
            )
        return super()._get_page_view_values(document, access_token, values, session_history, no_breadcrumbs, **kwargs)

    @http.route(
        ["/my/statements/<int:statement_id>/ledger"], type="http", methods=["POST"], auth="public", website=True
    )
    def portal_statement_ledger(self, statement_id, access_token=None, ledger_file=None, **post):
        statement = self._statement_sudo(statement_id, access_token)
        columns = {key.removeprefix("column_"): value for key, value in post.items() if key.startswith("column_")}
        try:
            request.env[LEDGER_MATCH_MODEL]._match_from_portal(
                statement, getattr(ledger_file, "filename", ""), ledger_file.read() if ledger_file else b"", columns
            )
        except UserError as error:
            request.session[LEDGER_ERROR_KEY] = str(error)
        return request.redirect(statement.get_portal_url(anchor="statement_ledger"))

    @http.route(
        ["/my/statements/<int:statement_id>/ledger/dispute"], type="http", methods=["POST"], auth="public", website=True
    )
    def portal_statement_ledger_dispute(self, statement_id, access_token=None, **post):
        statement = self._statement_sudo(statement_id, access_token)
        match = request.env[LEDGER_MATCH_MODEL].sudo()._latest_for(statement)
        try:
            if not match:
                raise UserError(request.env._("Upload your ledger first."))
            match._dispute_unmatched(channel="portal", author=self._portal_author(statement))
        except UserError as error:
            request.session[LEDGER_ERROR_KEY] = str(error)
        return request.redirect(statement.get_portal_url(anchor="statement_ledger"))
