"""The statement-before-invoice demo (深圳先对账电子) builds on any day of the year: its deliveries of the
last closed period are on one draft delivery statement, those of the running period are not."""

from datetime import date

from odoo.tests import TransactionCase, tagged
from odoo.tests.common import freeze_time

from odoo.addons.monthly_settlement_sale.models.monthly_settlement_demo import DEMO_DELIVERIES

# A cut-off day (25th), the day after, a month end, a leap day, a year start.
DEMO_DATES = ("2026-12-02", "2027-04-25", "2027-05-26", "2026-06-30", "2028-02-29", "2027-01-01")


@tagged("post_install", "-at_install")
class TestDeliveryDemoOnAnyDate(TransactionCase):
    def _check_demo_on(self, day):
        demo = self.env["monthly.settlement.demo"]
        customer = self.env.ref("monthly_settlement_sale.demo_customer_statement_first").copy({"name": f"先对账 {day}"})
        with freeze_time(f"{day} 09:00:00"):
            demo._install_delivery_statement_demo_data(date.fromisoformat(day), customer=customer)
        statement = self.env["monthly.settlement.statement"].search([("partner_id", "=", customer.id)])
        self.assertEqual(statement.mapped("statement_type"), ["delivery"])
        self.assertEqual(statement.state, "draft")
        self.assertLess(statement.period_end, date.fromisoformat(day))
        self.assertEqual(statement.line_ids.mapped("ref")[:2], [ref for _days, ref, _lines in DEMO_DELIVERIES][:2])
        expected = sum(delivered * price for _days, _ref, lines in DEMO_DELIVERIES for *_x, delivered, price in lines)
        self.assertAlmostEqual(statement.closing_balance, expected, places=2)
        self.assertNotIn("XDZ-PO-1202", statement.line_ids.mapped("ref"), "the running period's delivery waits")


def _date_test(day):
    def test(self):
        self._check_demo_on(day)

    test.__doc__ = f"The delivery statement demo builds on {day}."
    return test


for _day in DEMO_DATES:
    setattr(TestDeliveryDemoOnAnyDate, f"test_delivery_demo_on_{_day.replace('-', '_')}", _date_test(_day))
