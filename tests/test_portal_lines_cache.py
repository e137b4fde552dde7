"""The lines of a sent statement's portal page are rendered once and then kept (per server worker):
the page must still show what stands now, after the customer's dispute, after a new revision, in
each visitor's language, and a portal user of another customer still gets 404 (over HTTP, as the
portal users)."""

import re
from datetime import date
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon


@tagged("post_install", "-at_install")
class TestPortalLinesCache(MonthlySettlementCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.settlement_four_eyes = False
        cls.env["res.lang"]._activate_lang("en_US")
        cls.customer = cls.customer_25
        cls.portal_zh = cls._portal_user("cache_zh", "采购 王芳", cls.customer, "zh_CN")
        cls.portal_en = cls._portal_user("cache_en", "Buyer Wang", cls.customer, "en_US")
        cls.portal_other = cls._portal_user("cache_other", "财务 李强", cls.customer_month_end, "zh_CN")
        for day, amount in ((3, 1200), (9, 345.5), (17, 88)):
            cls._invoice(cls.customer, f"2026-09-{day:02d}", amount, ref=f"PO-CACHE-{day}")
        statements = cls.env["monthly.settlement.statement"]._generate_statements(cls.customer, date(2026, 10, 1))[0]
        cls.statement = statements.filtered(lambda s: s.period_end.month == 9)
        cls.statement.action_submit()
        cls.statement.action_approve()
        cls.statement._mark_sent(date(2026, 10, 1))

    @classmethod
    def _portal_user(cls, login, name, customer, lang):
        contact = cls.env["res.partner"].create({"name": name, "parent_id": customer.id, "email": f"{login}@x.example"})
        return cls._create_portal_user(login, contact, lang=lang)

    def setUp(self):
        super().setUp()
        self.env.registry.clear_cache("templates")  # nothing kept from another test or run
        Statement = type(self.env["monthly.settlement.statement"])
        render = Statement._render_portal_lines
        self.renders = []

        def counting_render(statement, lang):
            self.renders.append((statement.id, lang))
            return render(statement, lang)

        patcher = patch.object(Statement, "_render_portal_lines", counting_render)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _page(self, statement, status=200):
        response = self.url_open(f"/my/statements/{statement.id}")  # in English: by way of /en/my/...
        self.assertEqual(response.status_code, status)
        return response.text

    def _lines_table(self, page):
        return re.search(r'<table class="table table-sm o_statement_lines">.*?</table>', page, re.S)[0]

    def _invoice_lines(self, statement):
        return statement.line_ids.filtered(lambda line: line.line_type == "invoice").sorted("date")

    def test_rendered_once_then_the_dispute_shows(self):
        invoices = self._invoice_lines(self.statement)
        self.assertEqual(invoices.mapped("amount"), [1200, 345.5, 88])
        self.authenticate("cache_zh", "cache_zh")
        first = self._page(self.statement)
        second = self._page(self.statement)
        self.assertEqual(self.renders, [(self.statement.id, "zh_CN")], "the lines were rendered once")
        self.assertEqual(self._lines_table(second), self._lines_table(first))
        table = self._lines_table(second)
        for line in invoices:
            self.assertIn(f'name="dispute_line_{line.id}"', table, "every document can be disputed")
        self.assertIn("1,200.00", table)
        self.assertIn("345.50", table)
        self.assertIn("期初余额", table)

        csrf = re.search(r'name="csrf_token" value="([^"]+)"', second)[1]
        disputed = invoices[1]
        response = self.url_open(
            f"/my/statements/{self.statement.id}/dispute",
            data={
                "csrf_token": csrf,
                f"dispute_line_{disputed.id}": "on",
                f"comment_line_{disputed.id}": "数量不对，应为 8 件",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.statement.state, "disputed")
        table = self._lines_table(self._page(self.statement))
        self.assertEqual(len(self.renders), 2, "the dispute changed the lines: rendered again")
        self.assertNotIn("dispute_line_", table, "no dispute inputs once disputed")
        flagged = re.findall(r'<tr class="table-warning">(.*?)</tr>', table, re.S)
        self.assertEqual(len(flagged), 1)
        self.assertIn(disputed.name, flagged[0])
        self.assertIn("数量不对，应为 8 件", flagged[0])

    def test_new_revision_shows_its_own_lines(self):
        self.authenticate("cache_zh", "cache_zh")
        self.assertNotIn("PO-CACHE-REFUND", self._lines_table(self._page(self.statement)))
        self._invoice(self.customer, "2026-09-20", 55, move_type="out_refund", ref="PO-CACHE-REFUND")
        self.statement.action_new_revision()
        revision = self.statement.search([("previous_revision_id", "=", self.statement.id)])
        revision.action_submit()
        revision.action_approve()
        revision._mark_sent(date(2026, 10, 2))
        self.assertEqual(revision.revision, self.statement.revision + 1)

        # The superseded revision is no longer on the portal (its lines kept in the cache or not).
        self.assertNotIn("o_statement_lines", self._page(self.statement, status=404))
        table = self._lines_table(self._page(revision))
        self.assertIn("PO-CACHE-REFUND", table)
        self.assertIn(f"{revision.closing_balance:,.2f}", table)
        self.assertEqual([statement_id for statement_id, _lang in self.renders], [self.statement.id, revision.id])

    def test_each_language_gets_its_own_lines(self):
        self.authenticate("cache_zh", "cache_zh")
        zh_table = self._lines_table(self._page(self.statement))
        self.authenticate("cache_en", "cache_en")
        en_table = self._lines_table(self._page(self.statement))
        self.assertEqual(self.renders, [(self.statement.id, "zh_CN"), (self.statement.id, "en_US")])
        self.assertIn("期初余额", zh_table)
        self.assertNotIn("Opening balance", zh_table)
        self.assertIn("Opening balance", en_table)
        self.assertNotIn("期初余额", en_table)
        self.authenticate("cache_zh", "cache_zh")
        self.assertEqual(self._lines_table(self._page(self.statement)), zh_table)
        self.assertEqual(len(self.renders), 2, "each language rendered once")

    def test_other_customer_still_gets_404(self):
        self.authenticate("cache_zh", "cache_zh")
        self._page(self.statement)  # the lines are now kept
        self.authenticate("cache_other", "cache_other")
        page = self._page(self.statement, status=404)
        for line in self._invoice_lines(self.statement):
            self.assertNotIn(line.name, page)
        self.assertNotIn("o_statement_lines", page)
        self.assertEqual(len(self.renders), 1)
