"""A delivery statement's dispute that the customer gives by phone, recorded by a reviewer in the
backend per delivered product line (the customer's quantity or price and comment, as on the
portal), and the delivery amounts as Odoo invoices them (taxes, discounts, rounding per line).

杭州送货对账 closes on the 25th, and got in the period 26 Oct – 25 Nov:
- order 1: 3 units of product A at 99.99 with 13% VAT included in the price, and 7 units of
  product B at 33.33 less 5% plus 13% VAT;
- order 2: 1 of 2 units of product A at 1.05 plus 13% VAT.
Per line in CNY (untaxed, tax, total):
- A 3 × 99.99 included: total 299.97, untaxed 299.97 / 1.13 = 265.46, tax 34.51;
- B 7 × 33.33 × 0.95 = 221.6445 → 221.64, tax 28.8132 → 28.81, total 250.45;
- A 1 × 1.05 = 1.05, tax 0.1365 → 0.14, total 1.19 (not half the 2.37 of the ordered 2).
"""

from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.http_common import WebClientCase

from .common import SaleSettlementCommon

STATEMENT = "monthly.settlement.statement"
PERIOD_CLOSED = date(2026, 11, 30)
NEXT_PERIOD_CLOSED = date(2026, 12, 26)
STATEMENTS_URL = "/odoo/action-monthly_settlement.action_monthly_settlement_statement"
# (untaxed, total) of each delivered line, computed by hand above.
EXPECTED = {"A included": (265.46, 299.97), "B": (221.64, 250.45), "A half": (1.05, 1.19)}
DIALOG_FIELDS = {
    "statement_ids": {},
    "kind": {},
    "is_delivery": {},
    "line_ids": {"fields": {"statement_line_id": {}}},
    "detail_ids": {
        "fields": {
            "statement_detail_id": {},
            "quantity": {},
            "price_unit": {},
            "amount": {},
            "is_disputed": {},
            "disputed_quantity": {},
            "disputed_price_unit": {},
            "comment": {},
        }
    },
}


class DeliveryDisputeCommon(SaleSettlementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.write({"settlement_four_eyes": False, "tax_calculation_rounding_method": "round_per_line"})
        cls.customer = cls._create_monthly_customer(
            "杭州送货对账有限公司", cutoff_day=25, settlement_mode="monthly_statement_first", settlement_lang="zh_CN"
        )
        tax_values = {"amount": 13, "amount_type": "percent", "type_tax_use": "sale", "company_id": company.id}
        cls.vat = cls.env["account.tax"].create(dict(tax_values, name="增值税 13%"))
        cls.vat_included = cls.env["account.tax"].create(
            dict(tax_values, name="增值税 13%（含税价）", price_include_override="tax_included")
        )
        # Services: their delivered quantity is entered by hand, with or without Inventory.
        (cls.product_a | cls.product_b).write(
            {"type": "service", "invoice_policy": "delivery", "taxes_id": [Command.clear()]}
        )
        cls.order_1 = cls._order(
            "2026-11-05", [(cls.product_a, 3, 99.99, 0, cls.vat_included), (cls.product_b, 7, 33.33, 5, cls.vat)]
        )
        cls.order_2 = cls._order("2026-11-18", [(cls.product_a, 2, 1.05, 0, cls.vat)])
        cls.order_1.order_line[0].qty_delivered = 3
        cls.order_1.order_line[1].qty_delivered = 7
        cls.order_2.order_line.qty_delivered = 1
        cls.sale_lines = {
            "A included": cls.order_1.order_line[0],
            "B": cls.order_1.order_line[1],
            "A half": cls.order_2.order_line,
        }
        group = "monthly_settlement.group_settlement_"
        # The salesperson works in the statements' company only, the reviewer in all three.
        cls.salesperson = cls._create_settlement_user("ms_dispute_sales", f"{group}user")
        cls.reviewer = cls._create_settlement_user("ms_dispute_reviewer", f"{group}reviewer")

    @classmethod
    def _order(cls, day, lines):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "commitment_date": datetime.fromisoformat(f"{day} 02:00:00"),
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "discount": discount,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                    for product, qty, price, discount, tax in lines
                ],
            }
        )
        order.action_confirm()
        return order

    def _delivery_statement(self, date_to=PERIOD_CLOSED):
        statements, left = self.env[STATEMENT]._generate_delivery_statements(self.customer, date_to)
        self.assertFalse(left)
        return statements

    def _detail(self, statement, key):
        return statement.detail_ids.filtered(lambda detail: detail.sale_line_id == self.sale_lines[key])

    def _sent(self, statement):
        statement.with_user(self.salesperson).action_submit()
        statement.with_user(self.reviewer).action_approve()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-11-27"))
        return statement

    @staticmethod
    def _invoiced(moves):
        """{sale order line: quantity} of the invoices."""
        result = {}
        for line in moves.invoice_line_ids:
            result[line.sale_line_ids] = result.get(line.sale_line_ids, 0) + line.quantity
        return result


@tagged("post_install", "-at_install")
class TestDeliveryDisputeByReviewer(DeliveryDisputeCommon, WebClientCase):
    def test_amounts_are_those_of_the_invoice(self):
        statement = self._delivery_statement()
        for key, (untaxed, total) in EXPECTED.items():
            self.assertRecordValues(self._detail(statement, key), [{"amount_untaxed": untaxed, "amount": total}])
        self.assertAlmostEqual(statement.closing_balance, 299.97 + 250.45 + 1.19, places=2)
        self._sent(statement)
        statement.with_user(self.reviewer)._record_confirmation(
            "采购 周丽", channel="phone", answered_on=self.d("2026-11-30")
        )
        invoice = statement.delivery_invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertAlmostEqual(invoice.amount_total, statement.closing_balance, places=2)
        self.assertAlmostEqual(invoice.amount_untaxed, sum(statement.detail_ids.mapped("amount_untaxed")), places=2)
        self.assertAlmostEqual(invoice.amount_untaxed, 265.46 + 221.64 + 1.05, places=2)
        self.assertAlmostEqual(invoice.amount_tax, 34.51 + 28.81 + 0.14, places=2)
        for key, (untaxed, total) in EXPECTED.items():
            line = invoice.invoice_line_ids.filtered(lambda line, key=key: line.sale_line_ids == self.sale_lines[key])
            self.assertRecordValues(line, [{"price_subtotal": untaxed, "price_total": total}])

    def test_reviewer_records_a_phone_dispute_of_one_line_over_http(self):
        statement = self._delivery_statement()
        self.web_login(self.salesperson)
        self.call_button(statement, "action_submit")
        self.web_login(self.reviewer)
        self.call_button(statement, "action_approve")
        self.env.invalidate_all()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-11-27"))
        disputed = self._detail(statement, "B")

        action = self.call_button(statement, "action_customer_disputed")
        shown = self.open_dialog(action, DIALOG_FIELDS)
        self.assertTrue(shown["is_delivery"])
        self.assertFalse(
            [command for command in shown.get("line_ids", []) if command[0] == 0], "no whole orders to flag"
        )
        offered = [command[2] for command in shown["detail_ids"] if command[0] == 0]
        self.assertEqual(
            {values["statement_detail_id"]: values["quantity"] for values in offered},
            {self._detail(statement, key).id: qty for key, qty in (("A included", 3), ("B", 7), ("A half", 1))},
            "every delivered line, with its delivered quantity",
        )
        self.assertEqual(
            {
                (values["disputed_quantity"], values["disputed_price_unit"])
                for values in offered
                if values["statement_detail_id"] == disputed.id
            },
            {(7, 33.33)},
            "the customer's figures start as ours",
        )
        answer = [
            Command.create(
                dict(values, is_disputed=True, disputed_quantity=6, comment="只收到6件")
                if values["statement_detail_id"] == disputed.id
                else values
            )
            for values in offered
        ]
        self.save_dialog_and_click(
            action,
            {"answered_by": "采购 周丽", "answered_on": "2026-11-30", "channel": "phone", "detail_ids": answer},
            "action_record",
        )
        self.env.invalidate_all()
        self.assertRecordValues(
            statement,
            [
                {
                    "state": "disputed",
                    "answer_channel": "phone",
                    "confirm_name": "采购 周丽",
                    "answer_uid": self.reviewer.id,
                }
            ],
        )
        self.assertRecordValues(
            disputed,
            [
                {
                    "is_disputed": True,
                    "disputed_quantity": 6,
                    "disputed_price_unit": 33.33,
                    "dispute_comment": "只收到6件",
                    "is_invoiced": False,
                }
            ],
        )
        self.assertEqual((statement.detail_ids - disputed).mapped("is_disputed"), [False, False])
        self.assertIn("6", disputed.dispute_summary)
        self.assertIn("只收到6件", disputed.dispute_summary)
        self.assertIn(
            "只收到6件", statement.line_ids.filtered(lambda line: line.name == self.order_1.name).dispute_comment
        )

        # The rest is invoiced now, without the disputed line, even though its order is flagged.
        invoice = statement.delivery_invoice_ids
        self.assertEqual(self._invoiced(invoice), {self.sale_lines["A included"]: 3, self.sale_lines["A half"]: 1})
        self.assertAlmostEqual(invoice.amount_total, 299.97 + 1.19, places=2)
        self.assertAlmostEqual(invoice.amount_total, sum((statement.detail_ids - disputed).mapped("amount")), places=2)
        self.assertEqual(self.sale_lines["B"].qty_invoiced, 0)

        # Exactly the disputed line rolls over; confirmed next month, it alone is invoiced.
        following = self._delivery_statement(NEXT_PERIOD_CLOSED)
        self.assertEqual(
            following.detail_ids.mapped(lambda d: (d.sale_line_id, d.quantity)), [(self.sale_lines["B"], 7)]
        )
        self._sent(following)
        following.with_user(self.reviewer)._record_confirmation(
            "采购 周丽", channel="phone", answered_on=self.d("2026-12-02")
        )
        self.assertEqual(self._invoiced(following.delivery_invoice_ids), {self.sale_lines["B"]: 7})
        self.assertAlmostEqual(following.delivery_invoice_ids.amount_total, 250.45, places=2)
        self.assertEqual(self.sale_lines["B"].qty_invoiced, 7)

    def test_dispute_without_a_figure_or_comment_is_refused(self):
        statement = self._sent(self._delivery_statement())
        disputed = self._detail(statement, "A half")
        wizard = (
            self.env["monthly.settlement.answer"]
            .with_user(self.reviewer)
            .with_context(default_statement_ids=statement.ids, default_kind="dispute")
            .create({"channel": "phone", "answered_by": "采购 周丽"})
        )
        wizard.detail_ids.filtered(lambda line: line.statement_detail_id == disputed).is_disputed = True
        with self.assertRaisesRegex(UserError, self.product_a.name):
            wizard.action_record()
        self.assertEqual(statement.state, "sent")
        self.assertFalse(disputed.is_disputed, "nothing half-written")

    def test_reviewer_records_a_phone_dispute_in_the_browser(self):
        statement = self._sent(self._delivery_statement())
        self.start_tour(
            f"{STATEMENTS_URL}/{statement.id}",
            "monthly_settlement_reviewer_records_a_delivery_dispute",
            login=self.reviewer.login,
        )
        disputed = self._detail(statement, "B")
        self.assertRecordValues(
            statement, [{"state": "disputed", "answer_channel": "phone", "confirm_name": "采购 周丽"}]
        )
        self.assertRecordValues(
            disputed, [{"is_disputed": True, "disputed_quantity": 6, "dispute_comment": "只收到6件"}]
        )
        self.assertEqual((statement.detail_ids - disputed).mapped("is_disputed"), [False, False])
