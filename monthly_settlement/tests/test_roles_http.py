"""Every role drives the statement workflow through HTTP, as the web client and the portal do.

The set-up is the demo's: the salesperson works in the statements' company only; the reviewers,
the manager and the auditor also in two sister companies. Reading a colleague's companies as
the salesperson (to choose reviewers) failed this way while every in-process test passed.
"""

from odoo import Command
from odoo.tests import tagged

from .common import MonthlySettlementCommon
from .http_common import RpcError, WebClientCase
from .smtp_sink import deliver_to_local_smtp

STATEMENT = "monthly.settlement.statement"


@tagged("post_install", "-at_install")
class TestRolesOverHttp(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "monthly_settlement.group_settlement_"
        cls.sales = cls._create_settlement_user("ms_http_sales", f"{group}user")
        cls.finance = cls._create_settlement_user("ms_http_finance", f"{group}reviewer")
        cls.finance_2 = cls._create_settlement_user("ms_http_finance2", f"{group}reviewer")
        cls.manager = cls._create_settlement_user("ms_http_admin", f"{group}manager")
        cls.auditor = cls._create_settlement_user("ms_http_auditor", f"{group}auditor")
        cls.contact = cls.env["res.partner"].create(
            {"name": "王芳", "parent_id": cls.customer_25.id, "email": "wang.fang@buyer.example.com", "lang": "zh_CN"}
        )
        cls.customer_25.write({"settlement_contact_ids": [Command.set(cls.contact.ids)], "user_id": cls.sales.id})
        cls.portal = cls._create_portal_user("ms_http_portal", cls.contact)
        # customer_25 (cut-off 25th): 1,000 in the period to 2026-10-25, 2,500 in the one to 2026-11-25.
        cls._invoice(cls.customer_25, "2026-10-10", 1000)
        cls._invoice(cls.customer_25, "2026-11-05", 2500)
        # customer_month_end: 700 in November.
        cls._invoice(cls.customer_month_end, "2026-11-03", 700)

    def _statement(self, partner):
        return self.env[STATEMENT].search([("partner_id", "=", partner.id)])

    def _review_users(self, statement):
        review = self.env.ref("monthly_settlement.mail_activity_statement_review")
        return statement.activity_ids.filtered(lambda activity: activity.activity_type_id == review).user_id

    def _generate_from_wizard(self, partners, date_to):
        wizard_id = self.call_kw(
            "monthly.settlement.generate",
            "create",
            [{"all_partners": False, "partner_ids": [Command.set(partners.ids)], "date_to": date_to}],
        )
        wizard = self.env["monthly.settlement.generate"].browse(wizard_id)
        action = self.call_button(wizard, "action_generate")
        self.assertEqual((action["res_model"], action["res_id"]), (wizard._name, wizard_id), "the result is shown")
        return self.call_button(wizard, "action_open_statements")

    def test_whole_cycle_as_each_role(self):
        # The salesperson generates both customers' statements and submits the first.
        self.web_login(self.sales)
        action = self._generate_from_wizard(self.customer_25 | self.customer_month_end, "2026-12-01")
        self.assertEqual(action["res_model"], STATEMENT)
        statement = self._statement(self.customer_25)
        month_end = self._statement(self.customer_month_end)
        self.assertRecordValues(
            statement | month_end,
            [
                {"period_end": self.d("2026-11-25"), "opening_balance": 1000, "closing_balance": 3500},
                {"period_end": self.d("2026-11-30"), "opening_balance": 0, "closing_balance": 700},
            ],
        )
        self.call_button(statement, "action_submit")
        self.env.invalidate_all()
        self.assertEqual(statement.state, "to_review")
        reviewers = self._review_users(statement)
        self.assertLessEqual(
            self.finance | self.finance_2 | self.manager,
            reviewers,
            "every reviewer who may approve is asked, whatever companies they work in",
        )
        self.assertNotIn(self.sales, reviewers)

        # The activities menu opens the statements to review with the usual activity filters.
        self.web_login(self.finance)
        search = self.call_kw(STATEMENT, "get_views", [[[False, "search"]]], {"options": {}})["views"]["search"]["arch"]
        for name in ("filter_activities_my", "activities_overdue", "activities_today", "activities_upcoming_all"):
            self.assertIn(f'name="{name}"', search)
        mine = self.call_kw(
            STATEMENT,
            "web_search_read",
            [[("activity_user_id", "=", self.finance.id), ("my_activity_date_deadline", "=", "today")]],
            {"specification": {"id": {}}},
        )["records"]
        self.assertEqual([row["id"] for row in mine], statement.ids, "today's review, and only it")

        # A reviewer who submitted a statement may not approve it, and reads why in Chinese.
        self.call_button(month_end, "action_submit")
        self.env.invalidate_all()
        self.assertNotIn(self.finance, self._review_users(month_end), "nobody is asked to review their own work")
        with self.assertRaises(RpcError) as refused:
            self.call_button(month_end, "action_approve")
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
        expected = self.env(context={"lang": "zh_CN"})._(
            "You prepared statement %(statement)s, so another reviewer must approve it.",
            statement=month_end.display_name,
        )
        self.assertEqual(refused.exception.message, expected)
        self.assertRegex(expected, "[\u4e00-\u9fff]", "the message reaches the reviewer in Chinese")

        # The second reviewer approves the first statement and emails it.
        self.web_login(self.finance_2)
        self.call_button(statement, "action_approve")
        action = self.call_button(statement, "action_send")
        shown = self.open_dialog(action, {"statement_ids": {}, "partner_ids": {}, "subject": {}, "body": {}})
        self.save_dialog_and_click(action, {"statement_ids": [Command.set(statement.ids)], **shown}, "action_send")
        with deliver_to_local_smtp(self.env) as inbox:
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        self.env.invalidate_all()
        to_customer = [
            email
            for recipients, email in inbox.messages
            if recipients == ["wang.fang@buyer.example.com"]
            and email["Subject"] == statement.delivery_message_id.subject
        ]
        self.assertEqual(len(to_customer), 1, "the customer's contact receives the statement once")
        self.assertRecordValues(statement, [{"state": "sent", "approve_uid": self.finance_2.id}])

        # The customer confirms on the portal.
        self.web_login(self.portal)
        answer = self.rpc(f"/my/statements/{statement.id}/confirm", {"name": "王芳"})
        self.assertNotIn("error", answer)
        self.env.invalidate_all()
        self.assertRecordValues(statement, [{"state": "confirmed", "confirm_name": "王芳"}])

        # The auditor reads everything and changes nothing.
        self.web_login(self.auditor)
        [read] = self.call_kw(STATEMENT, "web_read", [statement.ids], {"specification": {"closing_balance": {}}})
        self.assertEqual(read["closing_balance"], 3500)
        for method, args in (("write", [month_end.ids, {"note": "审计意见"}]), ("action_cancel", [month_end.ids])):
            with self.subTest(method=method), self.assertRaises(RpcError) as refused:
                self.call_kw(STATEMENT, method, args)
            self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")

        # The administrator cancels the statement under review.
        self.web_login(self.manager)
        self.call_button(month_end, "action_cancel")
        self.env.invalidate_all()
        self.assertEqual(month_end.state, "cancel")

    def test_rejection_without_reason_is_refused_in_chinese(self):
        """The dialog is saved without a reason: the model says why, in the reviewer's language (not
        the web client's untranslated "Missing required fields")."""
        self.web_login(self.sales)
        self._generate_from_wizard(self.customer_25, "2026-12-01")
        statement = self._statement(self.customer_25)
        self.call_button(statement, "action_submit")
        self.web_login(self.finance)
        action = self.call_button(statement, "action_reject")
        with self.assertRaises(RpcError) as refused:
            self.save_dialog_and_click(action, {"reason": False}, "action_reject")
        self.assertEqual(
            refused.exception.message, self.env(context={"lang": "zh_CN"})._("Say why the statement is rejected.")
        )
        self.assertRegex(refused.exception.message, "[\u4e00-\u9fff]")
        self.env.invalidate_all()
        self.assertEqual(statement.state, "to_review")

    def test_figures_state_and_lines_cannot_be_written_over_rpc(self):
        """README.rst: figures, lines and workflow fields change only through the buttons."""
        self.web_login(self.sales)
        self._generate_from_wizard(self.customer_25, "2026-12-01")
        statement = self._statement(self.customer_25)
        self.call_button(statement, "action_submit")
        line = statement.line_ids[-1:]
        for user in (self.finance_2, self.manager):
            self.web_login(user)
            for label, method, args in (
                ("figures", "write", [statement.ids, {"closing_balance": 1}]),
                ("state", "write", [statement.ids, {"state": "approved"}]),
                ("revision", "write", [statement.ids, {"revision": 7}]),
                ("new statement", "create", [{"partner_id": self.customer_25.id, "currency_id": self.cny.id}]),
            ):
                with self.subTest(user=user.login, attempt=label), self.assertRaises(RpcError) as refused:
                    self.call_kw(STATEMENT, method, args)
                self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")
            with self.subTest(user=user.login, attempt="line"), self.assertRaises(RpcError) as refused:
                self.call_kw("monthly.settlement.statement.line", "write", [line.ids, {"amount": 1}])
            self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")
        with self.assertRaises(RpcError) as refused:
            self.call_kw(STATEMENT, "unlink", [statement.ids])
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
        self.env.invalidate_all()
        self.assertRecordValues(statement, [{"state": "to_review", "closing_balance": 3500, "revision": 1}])
        self.assertEqual(line.amount, 2500)

    def test_readers_get_the_preview_of_a_statement_file(self):
        """Opening a statement, the web client draws the first page of each PDF and stores it as the
        file's preview (/mail/attachment/update_thumbnail). Odoo answers "not found" to users who may
        not change the file, which showed an error dialog to every auditor opening a statement."""
        statement = self._generate(self.customer_25, self.d("2026-12-01"))
        scan = self.env["ir.attachment"].create(
            {"name": "回执.pdf", "raw": b"%PDF-1.4", "res_model": STATEMENT, "res_id": statement.id}
        )
        self.web_login(self.auditor)
        # The file is no PDF pdf.js can read: the web client sends no image, Odoo stores its icon.
        self.rpc("/mail/attachment/update_thumbnail", {"attachment_id": scan.id})
        self.assertTrue(scan.sudo().thumbnail)
        # Nothing else of the file may be changed by them.
        with self.assertRaises(RpcError) as refused:
            self.call_kw("ir.attachment", "write", [scan.ids, {"name": "x.pdf"}])
        self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")
        # Someone who may not read the statement still gets nothing.
        self.web_login(self.portal)
        with self.assertRaises(RpcError) as refused:
            self.rpc("/mail/attachment/update_thumbnail", {"attachment_id": scan.id})
        self.assertEqual(refused.exception.name, "werkzeug.exceptions.NotFound")

    def test_salesperson_submits_in_the_browser(self):
        """The main path in a real browser: the salesperson opens the draft and clicks Submit for Review."""
        statement = self._generate(self.customer_25, self.d("2026-12-01"))
        statement.user_id = self.sales
        self.start_tour(
            f"/odoo/action-monthly_settlement.action_monthly_settlement_statement/{statement.id}",
            "monthly_settlement_backend_submit",
            login=self.sales.login,
        )
        self.assertRecordValues(statement, [{"state": "to_review", "submit_uid": self.sales.id}])
        self.assertRegex(statement.name, r"^ST/2026/\d{5}$")
