from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import MonthlySettlementCommon


@tagged("post_install", "-at_install")
class TestPartnerTerms(MonthlySettlementCommon):
    def test_bad_values_are_refused_with_a_clear_message(self):
        cases = [
            ({"settlement_cutoff_day": 0, "settlement_cutoff_month_end": False}, "needs a cut-off day"),
            ({"settlement_cutoff_day": 31}, "between 1 and 28"),
            ({"settlement_cutoff_day": -3}, "between 1 and 28"),
            ({"settlement_payment_days": -1}, "cannot be negative"),
            ({"settlement_confirm_days": -5}, "cannot be negative"),
        ]
        for values, message in cases:
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, message), self.cr.savepoint():
                self.customer_25.write(values)
                self.env.flush_all()
        self.assertEqual(self.customer_25.settlement_cutoff_day, 25, "nothing half-written")

    def test_bad_values_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        customer = self.customer_25.with_context(lang="zh_CN")
        with self.assertRaisesRegex(ValidationError, "结账日"), self.cr.savepoint():
            customer.write({"settlement_cutoff_day": 31})

    def test_company_defaults(self):
        self.env.company.write(
            {
                "settlement_cutoff_day": 0,
                "settlement_cutoff_month_end": True,
                "settlement_payment_days": 45,
            }
        )
        customer = self.env["res.partner"].create({"name": "新客户", "is_company": True, "settlement_mode": "monthly"})
        self.assertRecordValues(
            customer,
            [
                {
                    "settlement_cutoff_month_end": True,
                    "settlement_payment_days": 45,
                    "settlement_cycle": "monthly",
                }
            ],
        )
        with self.assertRaisesRegex(ValidationError, "between 1 and 28"):
            self.env.company.settlement_cutoff_day = 30
        with self.assertRaisesRegex(ValidationError, "ascending positive"):
            self.env.company.settlement_ageing_days = "60,30"

    def test_contacts_inherit_the_terms(self):
        contact = self.env["res.partner"].create({"name": "财务 李女士", "parent_id": self.customer_25.id})
        self.assertRecordValues(
            contact,
            [
                {
                    "settlement_mode": "monthly",
                    "settlement_cutoff_day": 25,
                    "settlement_payment_days": 60,
                    "settlement_terms_editable": False,
                }
            ],
        )
        self.customer_25.settlement_payment_days = 90
        self.assertEqual(contact.settlement_payment_days, 90)

    def test_only_managers_change_terms(self):
        salesperson = self._create_settlement_user("ms_terms_user", "monthly_settlement.group_settlement_user")
        customer = self.customer_25.with_user(salesperson)
        self.assertFalse(customer.settlement_terms_editable)
        with self.assertRaisesRegex(AccessError, "Only settlement managers"):
            customer.write({"settlement_payment_days": 10})
        # Other fields and contacts stay editable by whoever may edit partners.
        customer.write({"phone": "021-5555 0000"})
        self.env["res.partner"].with_user(salesperson).create({"name": "仓库 赵先生", "parent_id": self.customer_25.id})
        with self.assertRaisesRegex(AccessError, "Only settlement managers"):
            self.env["res.partner"].with_user(salesperson).create({"name": "X", "settlement_mode": "monthly"})
