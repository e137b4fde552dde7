"""The monthly customers list as a salesperson sees it in the web client (in Chinese): each
customer's cut-off (月末 for month end), next statement date, last statement and whether the last
closed period still has no statement."""

from odoo.tests import tagged

from .common import MonthlySettlementCommon
from .http_common import WebClientCase

LIST_FIELDS = {
    "display_name": {},
    "settlement_cutoff_label": {},
    "settlement_next_cutoff": {},
    "settlement_last_statement_id": {"fields": {"display_name": {}}},
    "settlement_last_statement_state": {},
    "settlement_statement_missing": {},
}


@tagged("post_install", "-at_install")
class TestMonthlyCustomersOverHttp(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales = cls._create_settlement_user("ms_list_sales", "monthly_settlement.group_settlement_user")
        cls._invoice(cls.customer_25, "2026-11-10", 100)
        cls._invoice(cls.customer_month_end, "2026-11-10", 100)

    def test_list_tells_what_to_prepare(self):
        """Today is 2026-12-02: customer_25's last closed period ended 2026-11-25 and has its
        statement; customer_month_end's ended 2026-11-30 and has none yet."""
        statement = self._generate(self.customer_25, self.d("2026-12-01"))
        self.web_login(self.sales)
        domain = [("id", "in", (self.customer_25 | self.customer_month_end).ids), ("settlement_mode", "=", "monthly")]
        rows = self.call_kw("res.partner", "web_search_read", [domain], {"specification": LIST_FIELDS})["records"]
        by_name = {row["display_name"]: row for row in rows}
        self.assertEqual(
            by_name[self.customer_25.name],
            dict(
                by_name[self.customer_25.name],
                settlement_cutoff_label="25日",
                settlement_next_cutoff="2026-12-25",
                settlement_last_statement_state="draft",
                settlement_statement_missing=False,
            ),
        )
        self.assertEqual(by_name[self.customer_25.name]["settlement_last_statement_id"]["id"], statement.id)
        self.assertEqual(
            by_name[self.customer_month_end.name],
            dict(
                by_name[self.customer_month_end.name],
                settlement_cutoff_label="月末",
                settlement_next_cutoff="2026-12-31",
                settlement_last_statement_id=False,
                settlement_statement_missing=True,
            ),
        )
        missing = self.call_kw(
            "res.partner",
            "web_search_read",
            [[*domain, ("settlement_statement_missing", "=", True)]],
            {"specification": {"display_name": {}}},
        )["records"]
        self.assertEqual([row["display_name"] for row in missing], [self.customer_month_end.name])
