from datetime import date
from unittest import TestCase

from odoo.addons.monthly_settlement.tools import settlement_calendar as calendar


class TestSettlementCalendar(TestCase):
    """The date arithmetic alone; the invoice tests check it reaches the books."""

    def test_cutoff_25_monthly(self):
        self.assertEqual(calendar.period_containing(date(2026, 10, 24), 25), (date(2026, 9, 26), date(2026, 10, 25)))
        self.assertEqual(calendar.period_containing(date(2026, 10, 25), 25), (date(2026, 9, 26), date(2026, 10, 25)))
        self.assertEqual(calendar.period_containing(date(2026, 10, 26), 25), (date(2026, 10, 26), date(2026, 11, 25)))
        self.assertEqual(calendar.period_containing(date(2026, 12, 31), 25), (date(2026, 12, 26), date(2027, 1, 25)))

    def test_month_end_february(self):
        self.assertEqual(calendar.period_containing(date(2028, 2, 29), None), (date(2028, 2, 1), date(2028, 2, 29)))
        self.assertEqual(calendar.period_containing(date(2027, 2, 28), None), (date(2027, 2, 1), date(2027, 2, 28)))
        self.assertEqual(calendar.period_containing(date(2027, 3, 1), None), (date(2027, 3, 1), date(2027, 3, 31)))

    def test_quarterly_and_half_yearly(self):
        self.assertEqual(calendar.period_containing(date(2026, 11, 10), 25, 3), (date(2026, 9, 26), date(2026, 12, 25)))
        self.assertEqual(calendar.period_containing(date(2026, 12, 26), 25, 3), (date(2026, 12, 26), date(2027, 3, 25)))
        self.assertEqual(calendar.period_containing(date(2026, 5, 1), None, 6), (date(2026, 1, 1), date(2026, 6, 30)))
        self.assertEqual(calendar.period_containing(date(2026, 5, 1), None, 12), (date(2026, 1, 1), date(2026, 12, 31)))

    def test_last_closed_period(self):
        self.assertEqual(calendar.period_end_on_or_before(date(2026, 11, 24), 25), date(2026, 10, 25))
        self.assertEqual(calendar.period_end_on_or_before(date(2026, 11, 25), 25), date(2026, 11, 25))
        self.assertEqual(calendar.period_end_on_or_before(date(2026, 11, 24), None, 3), date(2026, 9, 30))

    def test_due_date(self):
        self.assertEqual(calendar.due_date(date(2026, 10, 25), 60), date(2026, 12, 24))
        self.assertEqual(calendar.due_date(date(2026, 11, 25), 60), date(2027, 1, 24))
        self.assertEqual(calendar.due_date(date(2026, 10, 25), 30, from_month_end=True), date(2026, 11, 30))
        self.assertEqual(calendar.due_date(date(2028, 2, 29), 0), date(2028, 2, 29))
