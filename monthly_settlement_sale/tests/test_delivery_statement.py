"""Statement before invoice (先对账后开票): the month's deliveries on a delivery statement, agreed by the
customer on the portal, then invoiced with exactly the confirmed quantities.

深圳先对账电子 closes on the 25th. In the period 26 Oct – 25 Nov it got, on order A (its PO-001),
8 of the 10 units of product A at 100 and 5 units of product B at 20, and on order B 3 units of
product A at 100; order C was delivered on 28 Nov, after the period. No taxes, so every amount is
quantity × price.
"""

from datetime import date

from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from odoo.addons.monthly_settlement.tests.http_common import RpcError, WebClientCase

from .common import PERIOD_CLOSED, SaleSettlementCommon

STATEMENT = "monthly.settlement.statement"
NEXT_PERIOD_CLOSED = date(2026, 12, 26)


@tagged("post_install", "-at_install")
class TestDeliveryStatement(SaleSettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.settlement_four_eyes = False
        cls.customer = cls._create_monthly_customer(
            "深圳先对账电子有限公司", cutoff_day=25, settlement_mode="monthly_statement_first"
        )
        contact = cls.env["res.partner"].create(
            {"name": "采购 陈静", "parent_id": cls.customer.id, "email": "chen@xianduizhang.example"}
        )
        cls.portal_user = cls._create_portal_user("ms_delivery_portal", contact, lang="zh_CN")
        cls.reviewer = cls._create_settlement_user(
            "ms_delivery_reviewer", "monthly_settlement.group_settlement_reviewer"
        )
        cls.salesman = cls._create_settlement_user("ms_delivery_sales", "sales_team.group_sale_salesman_all_leads")
        # Services: delivered quantities entered by hand, also when Inventory is installed (the
        # deliveries of goods from stock are monthly_settlement_sale_stock's tests).
        (cls.product_a | cls.product_b).write(
            {"type": "service", "invoice_policy": "delivery", "taxes_id": [Command.clear()]}
        )
        cls.order_a = cls._order("2026-11-05", [(cls.product_a, 10, 100), (cls.product_b, 5, 20)], ref="PO-001")
        cls.order_b = cls._order("2026-11-20", [(cls.product_a, 3, 100)])
        cls.order_c = cls._order("2026-11-28", [(cls.product_b, 2, 20)])
        cls._deliver(cls.order_a, 8, 5)
        cls._deliver(cls.order_b, 3)
        cls._deliver(cls.order_c, 2)

    @classmethod
    def _order(cls, day, lines, ref=False):
        """A confirmed order delivered on ``day`` (its commitment date)."""
        return cls._sale_order(cls.customer, lines, ref=ref, day=day)

    @classmethod
    def _deliver(cls, order, *quantities):
        for line, quantity in zip(order.order_line, quantities, strict=True):
            line.qty_delivered = quantity

    def _lines_of(self, moves):
        """{(order, product): quantity} of the invoice lines, signed as the customer owes them."""
        result = {}
        for line in moves.invoice_line_ids:
            sign = -1 if line.move_id.move_type == "out_refund" else 1
            key = (line.sale_line_ids.order_id.name, line.product_id.id)
            result[key] = result.get(key, 0) + sign * line.quantity
        return result

    def test_delivery_statement_confirmed_on_the_portal_is_invoiced_exactly(self):
        self._invoice(self.customer, "2026-11-10", 50)  # an ordinary receivable: a statement of account too
        statement = self._delivery_statement()
        account = self._generate(self.customer, PERIOD_CLOSED)
        self.assertEqual(account.statement_type, "account", "both statements of the period coexist")
        self.assertEqual(statement.statement_type, "delivery")
        self.assertEqual((statement.period_start, statement.period_end), (date(2026, 10, 26), date(2026, 11, 25)))
        self.assertEqual(
            [(line.name, line.ref or "", line.amount) for line in statement.line_ids],
            [(self.order_a.name, "PO-001", 8 * 100 + 5 * 20), (self.order_b.name, "", 3 * 100)],
        )
        self.assertEqual(
            sorted((d.sale_line_id.id, d.quantity, d.price_unit, d.amount) for d in statement.detail_ids),
            sorted(
                [
                    (self.order_a.order_line[0].id, 8, 100, 800),
                    (self.order_a.order_line[1].id, 5, 20, 100),
                    (self.order_b.order_line.id, 3, 100, 300),
                ]
            ),
            "order C was delivered after the period",
        )
        self.assertEqual(statement.closing_balance, 1200)

        self._sent(statement)
        self.assertEqual(statement.name[:3], "DS/")
        self._portal_confirm(statement)

        self.assertEqual(statement.state, "confirmed")
        invoice = statement.delivery_invoice_ids
        self.assertEqual(len(invoice), 1, "one invoice per statement, the customer's setting")
        self.assertEqual((invoice.state, invoice.move_type, invoice.amount_total), ("posted", "out_invoice", 1200))
        self.assertEqual(invoice.settlement_delivery_statement_ids, statement, "linked both ways")
        # A monthly customer like the others: dated today (2 Dec), in the period closing 25 Dec, due 30 days later.
        self.assertEqual(invoice.invoice_date_due, date(2027, 1, 24))
        self.assertEqual(
            self._lines_of(invoice),
            {
                (self.order_a.name, self.product_a.id): 8,
                (self.order_a.name, self.product_b.id): 5,
                (self.order_b.name, self.product_a.id): 3,
            },
        )
        self.assertEqual(self.order_a.order_line.mapped("qty_invoiced"), [8, 5])
        self.assertEqual(self.order_c.order_line.qty_invoiced, 0, "not on the statement, not invoiced")
        self.assertFalse(statement.detail_ids.held_sale_line_id, "answered: it holds nothing any more")

    def test_one_invoice_per_order_by_the_customers_setting(self):
        self.customer.settlement_delivery_invoicing = "order"
        statement = self._sent(self._delivery_statement())
        self._portal_confirm(statement)
        self.assertEqual(len(statement.delivery_invoice_ids), 2)
        self.assertEqual(
            sorted(statement.delivery_invoice_ids.mapped("amount_total")), [300, 900], "order B, then order A"
        )

    def test_disputed_line_rolls_into_the_next_period(self):
        statement = self._sent(self._delivery_statement())
        disputed = statement.detail_ids.filtered(lambda d: d.sale_line_id == self.order_b.order_line)
        self._portal_dispute(
            statement,
            {
                f"dispute_detail_{disputed.id}": "on",
                f"quantity_detail_{disputed.id}": "2",
                f"comment_detail_{disputed.id}": "只收到2件",
            },
        )
        self.assertEqual(statement.state, "disputed")
        self.assertRecordValues(
            disputed,
            [{"is_disputed": True, "disputed_quantity": 2, "dispute_comment": "只收到2件", "is_invoiced": False}],
        )
        self.assertTrue(statement.line_ids.filtered(lambda line: line.name == self.order_b.name).is_disputed)
        invoice = statement.delivery_invoice_ids
        self.assertEqual(invoice.amount_total, 900, "the undisputed lines are invoiced: 8 × 100 + 5 × 20")
        self.assertEqual(self.order_b.order_line.qty_invoiced, 0)

        self.order_c.order_line.qty_delivered = 2  # unchanged: delivered on 28 Nov, in the next period
        following = self._delivery_statement(NEXT_PERIOD_CLOSED)
        self.assertEqual(following.period_start, date(2026, 11, 26))
        self.assertEqual(
            sorted((d.sale_line_id.id, d.quantity) for d in following.detail_ids),
            sorted([(self.order_b.order_line.id, 3), (self.order_c.order_line.id, 2)]),
            "the disputed line comes back with the period's deliveries",
        )

    def test_return_after_confirmation_is_negative_next_period(self):
        statement = self._sent(self._delivery_statement())
        self._portal_confirm(statement)
        self.order_a.order_line[0].qty_delivered = 6  # 2 of the 8 invoiced come back
        following = self._delivery_statement(NEXT_PERIOD_CLOSED)
        returned = following.detail_ids.filtered(lambda d: d.sale_line_id == self.order_a.order_line[0])
        self.assertRecordValues(returned, [{"quantity": -2, "amount": -200}])
        self.assertEqual(following.line_ids.filtered(lambda line: line.name == self.order_a.name).amount, -200)
        self.assertEqual(following.closing_balance, -200 + 2 * 20, "the return and order C")
        self._sent(following)
        self._portal_confirm(following)
        moves = following.delivery_invoice_ids
        self.assertEqual(
            self._lines_of(moves),
            {(self.order_a.name, self.product_a.id): -2, (self.order_c.name, self.product_b.id): 2},
        )
        self.assertEqual(sum(moves.mapped("amount_total_signed")), -160)
        self.assertEqual(self.order_a.order_line[0].qty_invoiced, 6)

    def test_invoicing_a_held_line_otherwise_is_refused_over_http(self):
        statement = self._delivery_statement()
        statement.action_submit()
        self.web_login(self.salesman)
        wizard_values = {
            "advance_payment_method": "delivered",
            "sale_order_ids": [Command.set(self.order_b.ids)],
        }
        action = {"res_model": "sale.advance.payment.inv", "context": {"active_ids": self.order_b.ids}}
        with self.assertRaises(RpcError) as refused:
            self.save_dialog_and_click(action, wizard_values, "create_invoices")
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
        self.assertIn(statement.name, refused.exception.message)
        self.assertIn("对账", refused.exception.message, "said in the salesperson's language")
        self.env.invalidate_all()
        self.assertFalse(self.order_b.invoice_ids)

        # Order C is on no statement: invoiced as usual.
        self.save_dialog_and_click(
            dict(action, context={"active_ids": self.order_c.ids}),
            dict(wizard_values, sale_order_ids=[Command.set(self.order_c.ids)]),
            "create_invoices",
        )
        self.env.invalidate_all()
        self.assertEqual(self.order_c.invoice_ids.amount_total, 40)

        with self.assertRaisesRegex(UserError, statement.name):
            self.order_b._create_invoices()  # not by code either
        statement.action_cancel()  # cancelled, the statement lets go of its lines
        self.order_b._create_invoices()
        self.assertEqual(self.order_b.order_line.qty_invoiced, 3)

    def test_one_open_statement_per_delivered_line(self):
        first = self._delivery_statement()
        with freeze_time("2026-12-27 09:00:00"):
            later = self._delivery_statement(NEXT_PERIOD_CLOSED)
        self.assertEqual(later.detail_ids.sale_line_id, self.order_c.order_line, "only what the first does not hold")
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            later.detail_ids[0].sudo().write({"held_sale_line_id": first.detail_ids[0].sale_line_id.id})
            later.flush_recordset()
        self.assertEqual(
            self.env[STATEMENT]._generate_delivery_statements(self.customer, PERIOD_CLOSED)[0],
            self.env[STATEMENT],
            "idempotent: the period has its delivery statement",
        )

    def test_generated_by_a_preparer_with_the_wizard_over_http(self):
        preparer = self._create_settlement_user("ms_delivery_preparer", "monthly_settlement.group_settlement_user")
        self.web_login(preparer)
        action, values = self._generate_delivery_with_wizard()
        statement = self.env[STATEMENT].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((statement.statement_type, statement.closing_balance), ("delivery", 1200))
        self.assertEqual(statement.generate_uid, preparer)
        self.save_dialog_and_click(action, values, "action_generate")  # again: nothing doubles
        self.assertEqual(self.env[STATEMENT].search_count([("partner_id", "=", self.customer.id)]), 1)

    def test_dispute_settled_before_the_next_period_is_invoiced_on_the_reviewers_record(self):
        statement = self._sent(self._delivery_statement())
        disputed = statement.detail_ids.filtered(lambda d: d.sale_line_id == self.order_b.order_line)
        self._portal_dispute(statement, {f"dispute_detail_{disputed.id}": "on", f"price_detail_{disputed.id}": "90"})
        self.assertEqual(disputed.disputed_price_unit, 90)
        self.web_login(self.reviewer)
        action = self.call_button(statement, "action_customer_confirmed")
        self.save_dialog_and_click(
            action, {"answered_by": "陈静", "answered_on": "2026-12-01", "channel": "phone"}, "action_record"
        )
        self.env.invalidate_all()
        self.assertEqual(statement.state, "confirmed")
        self.assertEqual(sorted(statement.delivery_invoice_ids.mapped("amount_total")), [300, 900])
        self.assertEqual(self.order_b.order_line.qty_invoiced, 3)
        self.assertFalse(
            self._delivery_statement(NEXT_PERIOD_CLOSED).detail_ids.filtered(
                lambda d: d.sale_line_id == self.order_b.order_line
            ),
            "settled and invoiced: not on the next statement",
        )

    def test_unanswered_statement_deemed_confirmed_is_invoiced(self):
        self.customer.settlement_confirm_days = 3
        statement = self._sent(self._delivery_statement())
        with freeze_time("2026-12-01 02:00:00"):
            self.env[STATEMENT]._cron_deem_confirmed()
        self.assertEqual(statement.state, "deemed")
        self.assertEqual(statement.delivery_invoice_ids.amount_total, 1200)

    def test_portal_page_lists_the_deliveries(self):
        statement = self._sent(self._delivery_statement())
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(f"/my/statements/{statement.id}").text
        self.assertIn("PO-001", page)
        self.assertIn(f'name="quantity_detail_{statement.detail_ids[0].id}"', page)
        self.assertNotIn("o_statement_lines", page, "no receivable columns on a delivery statement")

    def test_submission_refused_after_more_deliveries_until_regenerated(self):
        statement = self._delivery_statement()
        self.order_a.order_line[0].qty_delivered = 10  # the last 2 units went out after generation
        with self.assertRaisesRegex(UserError, self.order_a.name):
            statement.action_submit()
        statement.action_regenerate()
        self.assertEqual(
            statement.detail_ids.filtered(lambda d: d.sale_line_id == self.order_a.order_line[0]).quantity, 10
        )
        self.assertEqual(statement.closing_balance, 1400)
        statement.action_submit()
        self.assertEqual(statement.state, "to_review")

    def test_statement_first_is_a_monthly_term_of_the_managers(self):
        contact = self.customer.child_ids[:1]
        self.assertTrue(contact._is_statement_first(), "contacts follow the customer's terms")
        self.assertTrue(self.customer.settlement_is_monthly, "a monthly customer like the others")
        self.assertIn(self.customer, self.env["res.partner"]._search_monthly_customers(self.env.company))
        preparer = self._create_settlement_user("ms_delivery_terms", "monthly_settlement.group_settlement_user")
        for values in ({"settlement_mode": "monthly"}, {"settlement_delivery_invoicing": "order"}):
            with self.assertRaises(AccessError):
                self.customer.with_user(preparer).write(values)
