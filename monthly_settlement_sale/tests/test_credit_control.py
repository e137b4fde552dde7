from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tests.common import freeze_time

from .common import SaleSettlementCommon


@tagged("post_install", "-at_install")
class TestCreditControl(SaleSettlementCommon):
    """customer_25 (monthly) has a credit limit of 10,000: it owes 6,000 on an invoice and
    has a confirmed order of 3,000 not invoiced yet, so an order above 1,000 takes it over."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))  # asserts read our English wording
        cls.company = cls.env.company
        cls.company.account_use_credit_limit = True
        cls.customer_25.credit_limit = 10000
        cls.customer_per_invoice.credit_limit = 10000
        cls.salesman = cls._create_sales_user("ms_salesman", "sales_team.group_sale_salesman")
        cls.sales_manager = cls._create_sales_user("ms_sales_manager", "sales_team.group_sale_manager")
        cls.settlement_manager = cls._create_sales_user(
            "ms_settlement_manager",
            "sales_team.group_sale_salesman_all_leads,monthly_settlement.group_settlement_manager",
        )
        cls.invoice = cls._invoice(cls.customer_25, "2026-10-10", 6000)
        cls._order(cls.customer_25, 3000).action_confirm()

    @classmethod
    def _create_sales_user(cls, login, groups):
        return new_test_user(
            cls.env,
            login=login,
            groups=f"{groups},account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _order(cls, partner, amount):
        return cls._create_sale_order_one_line(
            product_id=cls.product_a.id,
            price_unit=amount,
            tax_ids=[],
            partner_id=partner.id,
            user_id=cls.salesman.id,
            confirm=False,
        )

    def _notes(self, order):
        """Our notes: the credit control's, not the other notes a confirmation may log."""
        return order.message_ids.filtered(lambda message: "credit" in (message.body or "").lower())

    def _sent_statement(self):
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        statement.action_submit()
        reviewer = self._create_settlement_user("ms_reviewer", "monthly_settlement.group_settlement_reviewer")
        statement.with_user(reviewer).action_approve()
        with freeze_time("2026-11-25 10:00:00"):
            statement.with_user(reviewer)._mark_sent(self.d("2026-11-25"))
        return statement

    def test_exposure_is_receivables_plus_orders_plus_this_order(self):
        self.company.settlement_credit_control = "block"
        within = self._order(self.customer_25, 1000)  # 6000 + 3000 + 1000 = 10000: at the limit
        self.assertFalse(within.settlement_credit_blocked)
        over = self._order(self.customer_25, 1000.01)
        self.assertTrue(over.settlement_credit_blocked)
        with self.assertRaisesRegex(UserError, "10,000.01"):
            over.with_user(self.salesman).action_confirm()
        within.with_user(self.salesman).action_confirm()
        self.assertEqual(within.state, "sale")
        self.assertFalse(self._notes(within), "nothing to note under the limit")

    def test_settings(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.settlement_credit_control = "block"
            settings.settlement_credit_overdue_days = 45
        self.assertRecordValues(
            self.company, [{"settlement_credit_control": "block", "settlement_credit_overdue_days": 45}]
        )
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.company.settlement_credit_dispute_days = -1

    def test_warn_confirms_with_a_note(self):
        self.company.settlement_credit_control = "warn"
        order = self._order(self.customer_25, 2000)
        self.assertTrue(order.partner_credit_warning, "Odoo's banner shows the limit")
        self.assertFalse(order.settlement_credit_blocked)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        note = self._notes(order)
        self.assertEqual(len(note), 1)
        self.assertIn("Confirmed despite the credit control", note.body)
        self.assertIn("11,000.00", note.body, "6,000 owed + 3,000 ordered + 2,000 now")

    def test_block_and_manager_override(self):
        self.company.settlement_credit_control = "block"
        order = self._order(self.customer_25, 2000)
        self.assertIn("blocked", order.settlement_credit_warning)
        for user in (self.salesman, self.sales_manager, self.settlement_manager):
            with self.assertRaisesRegex(UserError, "credit hold"):
                order.with_user(user).action_confirm()
        self.assertEqual(order.state, "draft")
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_open_settlement_credit_override()
        with self.assertRaises(AccessError):
            order.with_user(self.sales_manager).write({"settlement_credit_override_reason": "我说了算"})

        action = order.with_user(self.settlement_manager).action_open_settlement_credit_override()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.settlement_manager)
            .with_context(**action["context"])
            .create({"reason": "  "})
        )
        self.assertIn("11,000.00", wizard.issues)
        with self.assertRaisesRegex(UserError, "why"):
            wizard.action_confirm()
        wizard.reason = "客户已承诺月底前付清 6,000"
        wizard.action_confirm()
        self.assertRecordValues(
            order,
            [
                {
                    "state": "sale",
                    "settlement_credit_override_uid": self.settlement_manager.id,
                    "settlement_credit_override_reason": "客户已承诺月底前付清 6,000",
                }
            ],
        )
        note = self._notes(order)
        self.assertEqual(len(note), 1, "the override note, not a second one at confirmation")
        self.assertIn("客户已承诺月底前付清 6,000", note.body)
        self.assertIn("11,000.00", note.body)

    def test_override_covers_one_confirmation(self):
        self.company.settlement_credit_control = "block"
        order = self._order(self.customer_25, 2000)
        order.with_user(self.settlement_manager)._override_settlement_credit("一次性特批")
        order._action_cancel()
        order.action_draft()
        self.assertFalse(order.settlement_credit_override_date)
        with self.assertRaisesRegex(UserError, "credit hold"):
            order.with_user(self.salesman).action_confirm()

    def test_overdue_statement_beyond_tolerance_blocks(self):
        """Statement due 2026-12-24 with 6,000 unpaid; tolerance 30 days: held from 2027-01-24."""
        self.customer_25.credit_limit = 0  # no limit: only the statement counts
        self.company.settlement_credit_control = "block"
        self._sent_statement()
        with freeze_time("2027-01-23 10:00:00"):
            order = self._order(self.customer_25, 100)
            self.assertFalse(order.settlement_credit_blocked, "30 days overdue is within the tolerance")
        with freeze_time("2027-01-24 10:00:00"):
            order.invalidate_recordset(["settlement_credit_warning", "settlement_credit_blocked"])
            self.assertTrue(order.settlement_credit_blocked)
            self.assertIn("31 days overdue", order.settlement_credit_warning)
            self.assertIn("6,000.00", order.settlement_credit_warning)
            with self.assertRaisesRegex(UserError, "31 days overdue"):
                order.with_user(self.salesman).action_confirm()
            self._pay(self.invoice, "2027-01-24", 6000)
            order.invalidate_recordset(["settlement_credit_warning", "settlement_credit_blocked"])
            self.assertFalse(order.settlement_credit_blocked, "paid: no longer held")
            order.with_user(self.salesman).action_confirm()
            self.assertEqual(order.state, "sale")

    def test_statement_disputed_too_long_blocks(self):
        self.customer_25.credit_limit = 0
        self.company.write({"settlement_credit_control": "block", "settlement_credit_dispute_days": 10})
        statement = self._sent_statement()
        with freeze_time("2026-12-01 10:00:00"):
            statement._record_dispute({}, "单价与合同不符")
        with freeze_time("2026-12-11 09:00:00"):
            self.assertFalse(self._order(self.customer_25, 100).settlement_credit_blocked)
        with freeze_time("2026-12-11 11:00:00"):
            order = self._order(self.customer_25, 100)
            self.assertTrue(order.settlement_credit_blocked)
            self.assertIn("disputed since", order.settlement_credit_warning)

    def test_only_monthly_customers_and_only_when_on(self):
        self.company.settlement_credit_control = "block"
        self._invoice(self.customer_per_invoice, "2026-10-10", 20000)
        per_invoice = self._order(self.customer_per_invoice, 100)
        self.assertTrue(per_invoice.partner_credit_warning, "over its limit, Odoo warns")
        per_invoice.with_user(self.salesman).action_confirm()
        self.assertEqual(per_invoice.state, "sale", "but customers paying per invoice are not held")

        self.company.settlement_credit_control = "off"
        order = self._order(self.customer_25, 2000)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(self._notes(order))

    def test_online_confirmation_is_noted_not_refused(self):
        """A customer signing or paying on the portal confirms as superuser."""
        self.company.settlement_credit_control = "block"
        order = self._order(self.customer_25, 2000)
        order.sudo().action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("Confirmed despite the credit control", self._notes(order).body)
