import re

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.monthly_settlement.controllers.portal import MonthlySettlementPortal


class MonthlySettlementDeliveryPortal(MonthlySettlementPortal):
    """A delivery statement's dispute names product lines, with the quantity received, the price
    expected and a comment for each."""

    @staticmethod
    def _portal_number(value):
        """A number the customer typed (blank: not given); the model checks the rest."""
        value = (value or "").strip().replace(",", "")
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            raise UserError(request.env._("“%(value)s” is not a number.", value=value)) from None

    @http.route()
    def portal_statement_dispute(self, statement_id, access_token=None, comment=None, **post):
        statement = self._statement_sudo(statement_id, access_token)
        if statement.statement_type != "delivery":
            return super().portal_statement_dispute(statement_id, access_token=access_token, comment=comment, **post)
        try:
            disputes = {
                int(detail_id): {
                    "quantity": self._portal_number(post.get(f"quantity_detail_{detail_id}")),
                    "price_unit": self._portal_number(post.get(f"price_detail_{detail_id}")),
                    "comment": post.get(f"comment_detail_{detail_id}", ""),
                }
                for detail_id in (
                    key.removeprefix("dispute_detail_") for key in post if re.fullmatch(r"dispute_detail_\d+", key)
                )
            }
            statement._record_delivery_dispute(disputes, comment, author=self._portal_author(statement))
        except UserError as error:
            request.session["monthly_settlement_dispute_error"] = str(error)
        return request.redirect(statement.get_portal_url())
