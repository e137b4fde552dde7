import json
import re
from datetime import date, datetime

from odoo import Command

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon

PERIOD_CLOSED = date(2026, 11, 30)


class SaleSettlementCommon(MonthlySettlementCommon):
    """The monthly settlement fixture, its test user also a sales manager (quotes and orders)."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")

    # Delivery statements (先对账后开票) of ``cls.customer``, answered by ``cls.portal_user`` and
    # reviewed by ``cls.reviewer``, as the test classes set them.

    @classmethod
    def _sale_order(cls, partner, lines, ref=False, day=None):
        """A confirmed order of ``partner``: ``lines`` [(product, quantity, price)] without taxes;
        ``day`` (YYYY-MM-DD), its commitment date."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "client_order_ref": ref,
                "commitment_date": day and datetime.fromisoformat(f"{day} 02:00:00"),
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": qty, "price_unit": price, "tax_ids": []}
                    )
                    for product, qty, price in lines
                ],
            }
        )
        order.action_confirm()
        return order

    def _delivery_statement(self, date_to=PERIOD_CLOSED):
        statements, left = self.env["monthly.settlement.statement"]._generate_delivery_statements(
            self.customer, date_to
        )
        self.assertFalse(left)
        return statements

    def _sent(self, statement):
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-11-27"))
        return statement

    def _portal_confirm(self, statement):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open(
            f"/my/statements/{statement.id}/confirm",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"name": "陈静"}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("error", response.json()["result"], response.text)
        self.env.invalidate_all()

    def _generate_delivery_with_wizard(self, date_to="2026-11-30"):
        """*Generate Statements* from the customer, Delivery statement, over HTTP as the user logged
        in (a WebClientCase); returns the dialog's action, to click again."""
        action = self.call_button(self.customer, "action_generate_settlement_statement")
        values = {
            "statement_type": "delivery",
            "all_partners": False,
            "partner_ids": [Command.set(self.customer.ids)],
            "date_to": date_to,
        }
        self.save_dialog_and_click(action, values, "action_generate")
        return action, values

    def _portal_dispute(self, statement, form):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(f"/my/statements/{statement.id}").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        response = self.url_open(
            f"/my/statements/{statement.id}/dispute", data=dict(form, csrf_token=csrf), allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
