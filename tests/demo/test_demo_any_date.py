"""The demo tells the same story on any day of the year (run on the demo database, see
setup/test.sh): its history is rebuilt, in a transaction rolled back after each date, for copies
of the demo customers, with the clock set to that date."""

from datetime import date

from odoo.tests import TransactionCase, tagged
from odoo.tests.common import freeze_time

from odoo.addons.monthly_settlement.models.monthly_settlement_demo import (
    DEMO_CUSTOMERS,
    DEMO_PER_INVOICE_CUSTOMER,
)

# The dates the first users tried, month ends, a leap day, the days around a cut-off (25th) and
# a year end: together one date in each month of the year.
DEMO_DATES = (
    "2026-12-02",
    "2027-01-31",
    "2027-01-01",
    "2028-02-29",
    "2027-03-01",
    "2027-04-25",
    "2027-05-26",
    "2026-06-30",
    "2027-07-01",
    "2026-08-24",
    "2026-09-30",
    "2026-10-11",
    "2026-11-26",
)
EVERY_STATE = {"draft", "to_review", "approved", "sent", "confirmed", "deemed", "disputed", "cancel"}


@tagged("post_install", "-at_install")
class TestDemoOnAnyDate(TransactionCase):
    def _build_demo_history(self, day):
        demo = self.env["monthly.settlement.demo"]
        company = demo._demo_get_company()
        demo = demo.with_company(company)
        xmlids = [*(xmlid for xmlid, _amounts in DEMO_CUSTOMERS), DEMO_PER_INVOICE_CUSTOMER]
        customers = {
            xmlid: self.env.ref(f"monthly_settlement.{xmlid}").copy({"name": f"{xmlid} {day}"}) for xmlid in xmlids
        }
        with freeze_time(f"{day} 09:00:00"):
            demo._demo_history(customers, date.fromisoformat(day))
        return customers

    def _check_demo_on(self, day):
        customers = self._build_demo_history(day)
        monthly = [customers[xmlid] for xmlid, _amounts in DEMO_CUSTOMERS]
        statements = self.env["monthly.settlement.statement"].search(
            [("partner_id", "in", [customer.id for customer in monthly])]
        )
        current = statements.filtered(lambda statement: not statement.superseded_by_id)
        self.assertEqual(set(current.mapped("state")), EVERY_STATE, f"statements in every state on {day}")
        self.assertEqual(len(statements - current), 1, "one superseded revision (the corrected dispute)")
        self.assertTrue(
            current.filtered(lambda statement: statement.state == "draft" and statement.reject_reason),
            "a statement rejected back to draft",
        )
        for customer in monthly:
            self.assertEqual(
                len(current.filtered(lambda statement, customer=customer: statement.partner_id == customer)),
                3,
                f"{customer.name}: the last three periods",
            )
        for statement in statements:
            with self.subTest(statement=statement.display_name):
                self.assertFalse(
                    statement.currency_id.compare_amounts(
                        statement.opening_balance + statement.period_debit - statement.period_credit,
                        statement.closing_balance,
                    )
                )
                self.assertFalse(
                    statement.currency_id.compare_amounts(
                        sum(statement.line_ids.mapped("amount")), statement.period_debit - statement.period_credit
                    )
                )
                self.assertLess(statement.period_end, date.fromisoformat(day))


def _date_test(day):
    def test(self):
        self._check_demo_on(day)

    test.__doc__ = f"The demo builds with statements in every state on {day}."
    return test


for _day in DEMO_DATES:
    setattr(TestDemoOnAnyDate, f"test_demo_on_{_day.replace('-', '_')}", _date_test(_day))
