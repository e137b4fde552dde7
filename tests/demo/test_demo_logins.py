"""The served demo, tried with the logins README.rst prints (run on the demo database, see
setup/test.sh). The demo is multi-company: the administrator and the head of finance work in
every company, the salesperson in one."""

import re

from odoo import Command
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.http_common import RpcError, WebClientCase

STATEMENT = "monthly.settlement.statement"


@tagged("post_install", "-at_install")
class TestDemoLogins(WebClientCase):
    def _user(self, login):
        return self.env["res.users"].search([("login", "=", login)])

    def _draft_of(self, xmlid):
        return self.env[STATEMENT].search(
            [("partner_id", "=", self.env.ref(xmlid).id), ("state", "=", "draft"), ("reject_reason", "=", False)],
            limit=1,
        )

    def test_salesperson_submits_and_quotes(self):
        sales = self.web_login(self._user("sales"))
        self.assertEqual(len(sales.company_ids), 1)
        self.assertGreater(len(self._user("admin").company_ids), 1, "the demo is multi-company")
        statement = self._draft_of("monthly_settlement.demo_customer_huadong")
        self.assertTrue(statement, "the demo has a draft for the salesperson")
        self.call_button(statement, "action_submit")
        self.env.invalidate_all()
        self.assertEqual(statement.state, "to_review")
        order_id = self.call_kw(
            "sale.order",
            "create",
            [
                {
                    "partner_id": self.env.ref("monthly_settlement.demo_customer_xihu").id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.env.ref("monthly_settlement_sale.demo_product_control_cabinet").id,
                                "product_uom_qty": 1,
                            }
                        )
                    ],
                }
            ],
        )
        self.assertTrue(order_id, "the salesperson quotes")

    def test_reviewers_auditor_and_customer(self):
        statement = self.env[STATEMENT].search(
            [
                ("partner_id", "=", self.env.ref("monthly_settlement.demo_customer_hengda").id),
                ("state", "=", "to_review"),
            ]
        )
        self.web_login(self._user("finance"))
        self.call_button(statement, "action_approve")
        self.env.invalidate_all()
        self.assertEqual(statement.state, "approved")

        self.web_login(self._user("auditor"))
        with self.assertRaises(RpcError) as refused:
            self.call_button(statement, "action_cancel")
        self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")

        customer = self.web_login(self._user("customer"))
        response = self.url_open("/my/statements")
        self.assertEqual(response.status_code, 200)
        out = self.env[STATEMENT].search(
            [
                ("partner_id", "=", customer.partner_id.commercial_partner_id.id),
                ("state", "in", ("sent", "confirmed", "deemed", "disputed")),
                ("superseded_by_id", "=", False),
            ]
        )
        self.assertTrue(out)
        listed = {int(found) for found in re.findall(r"/my/statements/(\d+)", response.text)}
        self.assertEqual(listed, set(out.ids), "the customer sees exactly the statements out with them")
