"""The portal access log through real HTTP: a customer opens a statement on the portal and downloads
its PDF; the auditor sees both, with who, when and from where; the customer cannot read the log and
nobody, administrators included, changes or deletes it."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon
from odoo.addons.monthly_settlement.tests.http_common import RpcError, WebClientCase

ACCESS = "monthly.settlement.statement.access"
STATEMENT = "monthly.settlement.statement"
PDF_REPORT = "monthly_settlement_reports.action_report_statement_pdf"


@tagged("post_install", "-at_install")
class TestPortalAccessLogOverHttp(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "monthly_settlement.group_settlement_"
        cls.auditor = cls._create_settlement_user("ms_access_auditor", f"{group}auditor")
        cls.reviewer = cls._create_settlement_user("ms_access_reviewer", f"{group}reviewer")
        cls.admin = new_test_user(
            cls.env,
            login="ms_access_admin",
            groups=f"{group}manager,base.group_system,account.group_account_manager",
            company_id=cls.env.company.id,
            company_ids=[Command.set((cls.env.company | cls.sister_companies).ids)],
            lang="zh_CN",
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "王芳", "parent_id": cls.customer_25.id, "email": "wang.fang@buyer.example.com", "lang": "zh_CN"}
        )
        cls.portal = cls._create_portal_user("ms_access_portal", cls.contact)
        cls._invoice(cls.customer_25, "2026-11-10", 1000)
        cls._invoice(cls.customer_month_end, "2026-11-03", 700)
        statements = cls.env[STATEMENT]._generate_statements(
            cls.customer_25 | cls.customer_month_end, cls.d("2026-12-01")
        )[0]
        cls.statement = statements.filtered(lambda statement: statement.partner_id == cls.customer_25)
        cls.draft = statements - cls.statement
        cls.statement.action_submit()
        cls.statement.with_user(cls.reviewer).action_approve()
        cls.statement.with_user(cls.reviewer)._mark_sent(cls.d("2026-11-26"))

    def test_portal_views_and_downloads_are_logged(self):
        statement = self.statement
        self.assertTrue(statement.is_on_portal)
        pdf = self.env.ref(PDF_REPORT)
        self.web_login(self.portal)
        page = self.url_open(f"/my/statements/{statement.id}")
        self.assertEqual(page.status_code, 200)
        download = self.url_open(f"/my/statements/{statement.id}?report_id={pdf.id}&download=true")
        self.assertEqual(download.status_code, 200)
        self.assertIn("attachment", download.headers["Content-Disposition"])
        # Refused: nothing is logged (a draft answers like an unknown id).
        self.assertEqual(self.url_open(f"/my/statements/{self.draft.id}").status_code, 404)

        # The customer does not read the log.
        with self.assertRaises(RpcError) as refused:
            self.call_kw(ACCESS, "search_read", [[]], {"fields": ["ip"]})
        self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")

        # The auditor sees both, with who, when and from where, in the list and on the statement.
        self.web_login(self.auditor)
        rows = self.call_kw(
            ACCESS,
            "search_read",
            [[("statement_id", "=", statement.id)]],
            {"fields": ["access_type", "ip", "user_id", "partner_id", "access_date"], "order": "id"},
        )
        self.assertEqual([row["access_type"] for row in rows], ["page", "pdf"])
        for row in rows:
            self.assertEqual(row["ip"], "127.0.0.1")
            self.assertEqual(row["user_id"][0], self.portal.id)
            self.assertEqual(row["partner_id"][0], self.contact.id)
            self.assertTrue(row["access_date"].startswith("2026-12-02"))
        self.assertFalse(self.call_kw(ACCESS, "search_count", [[("statement_id", "=", self.draft.id)]]))
        [read] = self.call_kw(
            STATEMENT, "web_read", [statement.ids], {"specification": {"portal_access_ids": {"fields": {"ip": {}}}}}
        )
        self.assertEqual(len(read["portal_access_ids"]), 2)
        with self.assertRaises(RpcError) as refused:
            self.call_kw(ACCESS, "write", [[rows[0]["id"]], {"ip": "10.0.0.1"}])
        self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")

        # An administrator cannot delete or change an entry either.
        self.web_login(self.admin)
        for method, args in (("unlink", [[rows[0]["id"]]]), ("write", [[rows[0]["id"]], {"ip": "10.0.0.1"}])):
            with self.subTest(method=method), self.assertRaises(RpcError) as refused:
                self.call_kw(ACCESS, method, args)
            self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")
        # Not even as superuser, through the ORM.
        entry = self.env[ACCESS].browse(rows[0]["id"])
        with self.assertRaises(UserError):
            entry.sudo().unlink()
        with self.assertRaises(UserError):
            entry.sudo().write({"ip": "10.0.0.1"})

    def test_visitor_with_the_link_is_logged_as_the_customer(self):
        statement = self.statement
        statement._portal_ensure_token()
        self.assertEqual(
            self.url_open(f"/my/statements/{statement.id}?access_token={statement.access_token}").status_code, 200
        )
        self.assertEqual(self.url_open(f"/my/statements/{statement.id}?access_token=wrong").status_code, 404)
        self.web_login(self.auditor)
        rows = self.call_kw(
            ACCESS, "search_read", [[("statement_id", "=", statement.id)]], {"fields": ["user_id", "partner_id"]}
        )
        self.assertEqual(len(rows), 1, "the refused link leaves nothing")
        self.assertEqual(rows[0]["user_id"][0], self.env.ref("base.public_user").id)
        self.assertEqual(rows[0]["partner_id"][0], self.customer_25.id)
        # The auditor's statement form shows the log on its own tab.
        form = self.call_kw(STATEMENT, "get_views", [[[False, "form"]]], {"options": {}})["views"]["form"]["arch"]
        self.assertIn('name="portal_access"', form)

    def test_logging_costs_one_insert(self):
        """What a page view adds to the page: one INSERT (the statement, the visitor and the model's
        defaults are what the page and the previous requests have read already)."""
        Access = self.env[ACCESS].with_user(self.portal)
        Access._log_portal_access(self.statement, self.contact, "127.0.0.1")
        with self.assertQueryCount(1):
            Access._log_portal_access(self.statement, self.contact, "127.0.0.1")
