"""Delivery statements from the done deliveries (see common.py for the deliveries): one line per
delivery order with its number and the day it was done in Beijing, cut off at the statement date;
a return after confirmation is a negative line of the next period; the invoice bills exactly what
was confirmed. Driven over HTTP by a salesperson (one company) and a reviewer (three companies)."""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.http_common import WebClientCase

from .common import StockDeliveryCommon

STATEMENT = "monthly.settlement.statement"
NEXT_PERIOD_CLOSED = date(2026, 12, 26)  # the period 26 Nov - 25 Dec


@tagged("post_install", "-at_install")
class TestDeliveryStatementStock(StockDeliveryCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact = cls.env["res.partner"].create(
            {"name": "采购 陈静", "parent_id": cls.customer.id, "email": "chen@xianduizhang.example"}
        )
        cls.portal_user = cls._create_portal_user("ms_stock_portal", contact, lang="zh_CN")
        cls.salesperson = cls._create_settlement_user("ms_stock_sales", "monthly_settlement.group_settlement_user")
        cls.reviewer = cls._create_settlement_user("ms_stock_reviewer", "monthly_settlement.group_settlement_reviewer")

    @staticmethod
    def _rows(statement):
        """[(delivery order, day, amount, [(sale line, quantity, amount)])] of the statement's lines."""
        return [
            (
                line.delivery_ref,
                line.date,
                line.amount,
                [(detail.sale_line_id, detail.quantity, detail.amount) for detail in line.detail_ids],
            )
            for line in statement.line_ids
        ]

    @staticmethod
    def _invoiced(moves):
        """{sale order line: quantity} billed by ``moves``, credit notes negative."""
        result = {}
        for line in moves.invoice_line_ids:
            sign = -1 if line.move_type == "out_refund" else 1
            result[line.sale_line_ids] = result.get(line.sale_line_ids, 0) + sign * line.quantity
        return result

    def test_one_line_per_delivery_order_up_to_the_cut_off(self):
        a_product_a, a_product_b = self.order_a.order_line
        statement = self._delivery_statement()
        self.assertEqual((statement.period_start, statement.period_end), (date(2026, 10, 26), date(2026, 11, 25)))
        self.assertEqual(
            self._rows(statement),
            [
                (
                    self.first_delivery.name,
                    date(2026, 11, 10),
                    6 * 100 + 5 * 20,
                    [(a_product_a, 6, 600), (a_product_b, 5, 100)],
                ),
                (self.delivery_b.name, date(2026, 11, 25), 3 * 100, [(self.order_b.order_line, 3, 300)]),
            ],
            "the partial delivery of order A, and order B done at 23:00 in Beijing; not order A's backorder done "
            "after midnight",
        )
        self.assertEqual(
            [(line.name, line.ref) for line in statement.line_ids],
            [(self.order_a.name, "PO-STK-1"), (self.order_b.name, "PO-STK-2")],
        )
        self.assertEqual(statement.closing_balance, 600 + 100 + 300)
        self.assertEqual(a_product_a.qty_delivered, 10, "Odoo counts the backorder already: the cut-off does not")
        self.assertEqual(
            statement.detail_ids.mapped("delivery_ref"), [self.first_delivery.name] * 2 + [self.delivery_b.name]
        )

        # Submitted after the backorder went out: still what was delivered by the cut-off, not stale.
        statement.action_submit()
        self.assertEqual(statement.state, "to_review")

        following = self._delivery_statement(NEXT_PERIOD_CLOSED)
        self.assertFalse(following, "the first statement still holds order A's line A: nothing else to state")

    def test_return_after_confirmation_is_negative_next_period(self):
        a_product_a, a_product_b = self.order_a.order_line
        statement = self._sent(self._delivery_statement())
        self._portal_confirm(statement)
        invoice = statement.delivery_invoice_ids
        self.assertEqual(
            self._invoiced(invoice),
            {a_product_a: 6, a_product_b: 5, self.order_b.order_line: 3},
            "exactly the confirmed quantities, not the 10 of A delivered by now",
        )
        self.assertEqual(invoice.amount_total, 1000)

        returned = self._return(self.first_delivery, {self.product_a: 2}, "2026-11-28 03:00:00")
        following = self._delivery_statement(NEXT_PERIOD_CLOSED)
        self.assertEqual(
            self._rows(following),
            [
                (self.backorder.name, date(2026, 11, 26), 4 * 100, [(a_product_a, 4, 400)]),
                (returned.name, date(2026, 11, 28), -2 * 100, [(a_product_a, -2, -200)]),
            ],
            "the backorder delivered after the first cut-off, then the return, negative",
        )
        self.assertEqual(following.closing_balance, 400 - 200)
        self.assertEqual(len(following.detail_ids.held_sale_line_id), 1, "line A held once, by its first row")

        self._sent(following)
        self._portal_confirm(following)
        self.assertEqual(self._invoiced(following.delivery_invoice_ids), {a_product_a: 4 - 2})
        self.assertEqual(sum(following.delivery_invoice_ids.mapped("amount_total_signed")), 200)
        self.assertEqual((a_product_a.qty_delivered, a_product_a.qty_invoiced), (8, 8), "all settled")
        self.assertFalse(self._delivery_statement(date(2027, 1, 26)), "nothing left for January")

    def test_invoicing_a_held_delivery_otherwise_is_refused(self):
        statement = self._delivery_statement()
        with self.assertRaisesRegex(UserError, statement.display_name):
            self.order_b._create_invoices()
        self.assertFalse(self.order_b.invoice_ids)

    def test_portal_page_shows_the_delivery_orders(self):
        statement = self._sent(self._delivery_statement())
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(f"/my/statements/{statement.id}").text
        self.assertIn(self.first_delivery.name, page)
        self.assertIn(self.delivery_b.name, page)
        self.assertNotIn(self.backorder.name, page)

    def test_salesperson_and_reviewer_over_http(self):
        """The salesperson (one company) generates and submits; the reviewer (three companies)
        approves, reads the delivery orders on the form and records the paper sending; the
        customer confirms on the portal: invoiced as confirmed."""
        self.assertEqual(len(self.salesperson.company_ids), 1)
        self.assertEqual(len(self.reviewer.company_ids), 3)
        self.web_login(self.salesperson)
        self._generate_delivery_with_wizard()
        statement = self.env[STATEMENT].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((statement.statement_type, statement.closing_balance), ("delivery", 1000))
        self.call_button(statement, "action_submit")

        self.web_login(self.reviewer)
        self.call_button(statement, "action_approve")
        form = self.call_kw(
            STATEMENT,
            "web_read",
            [statement.ids],
            {"specification": {"line_ids": {"fields": {"name": {}, "delivery_ref": {}, "amount": {}}}}},
        )[0]
        self.assertEqual(
            [(line["name"], line["delivery_ref"], line["amount"]) for line in form["line_ids"]],
            [(self.order_a.name, self.first_delivery.name, 700), (self.order_b.name, self.delivery_b.name, 300)],
        )
        action = self.call_button(statement, "action_mark_sent")
        self.save_dialog_and_click(action, {"sent_on": "2026-12-01"}, "action_mark_sent")
        self.env.invalidate_all()
        self.assertEqual(statement.state, "sent")

        self._portal_confirm(statement)
        self.assertEqual(statement.state, "confirmed")
        self.assertEqual(
            self._invoiced(statement.delivery_invoice_ids),
            {self.order_a.order_line[0]: 6, self.order_a.order_line[1]: 5, self.order_b.order_line: 3},
        )

    def test_disputed_delivery_stays_open_while_the_others_are_invoiced(self):
        """Line A of order A went out in the backorder (4, 26 Nov) and came back in part (2, 28 Nov):
        the customer disputes the backorder, confirms the return. The return is credited; the
        backorder, and only it, is on the January statement."""
        a_product_a = self.order_a.order_line[0]
        self._portal_confirm(self._sent(self._delivery_statement()))
        returned = self._return(self.first_delivery, {self.product_a: 2}, "2026-11-28 03:00:00")
        following = self._sent(self._delivery_statement(NEXT_PERIOD_CLOSED))
        disputed = following.detail_ids.filtered(lambda detail: detail.delivery_ref == self.backorder.name)
        self._portal_dispute(
            following,
            {
                f"dispute_detail_{disputed.id}": "on",
                f"quantity_detail_{disputed.id}": "3",
                f"comment_detail_{disputed.id}": "只收到3件",
            },
        )
        self.assertEqual(following.state, "disputed")
        self.assertEqual(self._invoiced(following.delivery_invoice_ids), {a_product_a: -2}, "the return, credited")
        self.assertEqual(a_product_a.qty_invoiced, 6 - 2)

        january = self._delivery_statement(date(2027, 1, 26))
        self.assertEqual(
            self._rows(january),
            [(self.backorder.name, date(2026, 11, 26), 4 * 100, [(a_product_a, 4, 400)])],
            "the disputed delivery comes back as it was; the first delivery and the return are invoiced",
        )
        self.assertNotIn(returned.name, january.line_ids.mapped("delivery_ref"))
