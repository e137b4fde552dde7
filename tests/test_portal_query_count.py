"""The portal's statement list and statement page run a fixed number of queries, whatever the
number of statements of the customer or lines of the statement (over HTTP, as the portal user)."""

from datetime import date

from odoo import sql_db
from odoo.tests import HttpCase, tagged

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon


@tagged("post_install", "-at_install")
class TestPortalQueryCount(MonthlySettlementCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.settlement_four_eyes = False
        cls.customer = cls.customer_25
        contact = cls.env["res.partner"].create(
            {"name": "采购 王芳", "parent_id": cls.customer.id, "email": "portal_count@x.example"}
        )
        cls.portal_user = cls._create_portal_user("portal_count", contact, lang="zh_CN")
        cls.small = cls._sent_statement(month=3, invoices=1)
        cls.big = cls._sent_statement(month=5, invoices=30)

    @classmethod
    def _sent_statement(cls, month, invoices):
        """A sent statement of the period ending on the customer's cut-off in ``month`` of 2026."""
        for day in range(invoices):
            cls._invoice(cls.customer, f"2026-{month:02d}-{1 + day % 20:02d}", 100 + day)
        statements = cls.env["monthly.settlement.statement"]._generate_statements(
            cls.customer, date(2026, month + 1, 1)
        )[0]
        statement = statements.filtered(lambda s: s.period_end.month == month)
        statement.action_submit()
        statement.action_approve()
        statement._mark_sent(date(2026, month + 1, 1))
        return statement

    def _queries(self, url):
        """Queries of the second request of ``url`` (the first one fills the caches)."""
        self.assertEqual(self.url_open(url).status_code, 200)
        before = sql_db.sql_counter
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return sql_db.sql_counter - before, response.text

    def test_list_and_page_queries_independent_of_size(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.assertEqual(len(self.big.line_ids), 31, "the opening line and 30 invoices")

        small_page, _small_html = self._queries(f"/my/statements/{self.small.id}")
        big_page, big_html = self._queries(f"/my/statements/{self.big.id}")
        self.assertEqual(big_page, small_page, "a 31-line statement costs the queries of a 2-line one")
        self.assertEqual(big_html.count("dispute_line_") // 2, 30, "every document line is on the page")
        self.assertLessEqual(big_page, 25)

        list_two, list_html = self._queries("/my/statements")
        self.assertIn(f'href="/my/statements/{self.big.id}"', list_html)
        more = self._sent_statement(month=7, invoices=2) | self._sent_statement(month=8, invoices=2)
        list_four, list_html = self._queries("/my/statements")
        for statement in self.small | self.big | more:
            self.assertIn(f'href="/my/statements/{statement.id}"', list_html)
        self.assertEqual(list_four, list_two, "four statements cost the queries of two")
        self.assertLessEqual(list_four, 12)
