from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import content_disposition, request

STATEMENT_MODEL = "monthly.settlement.statement"


class MonthlySettlementArchive(http.Controller):
    @http.route("/monthly_settlement/archive/<int:statement_id>/year.zip", type="http", auth="user")
    def archive_year_zip(self, statement_id):
        """The ZIP of the archived year of this statement's customer (see `_archive_year_zip`);
        access is the user's own: record rules and the auditor group decide, and any refusal
        answers 404 (nothing tells whether the statement exists)."""
        statement = request.env[STATEMENT_MODEL].browse(statement_id).exists()
        try:
            name, content = statement._archive_year_zip()
        except (AccessError, MissingError, UserError, ValueError):
            raise request.not_found() from None
        return request.make_response(
            content,
            headers=[("Content-Type", "application/zip"), ("Content-Disposition", content_disposition(name))],
        )
