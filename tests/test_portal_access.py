"""Who may see and answer which statement on the portal, route by route.

Two customers with a portal user each; the first has a statement in every state (a superseded
revision included), the second one sent statement. Every visitor (anonymous, token link, wrong
token, either customer) asks for every statement: exactly the customer's own sent, confirmed,
deemed or disputed latest revisions answer 200, everything else 404 with nothing of the
statement in the page.
"""

import json
import re
from datetime import date

import lxml.html

from odoo.tests import HttpCase, tagged

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon

VISIBLE_STATES = {"sent", "confirmed", "deemed", "disputed"}


@tagged("post_install", "-at_install")
class TestPortalAccess(MonthlySettlementCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.settlement_four_eyes = False
        cls.customer_a, cls.customer_b = cls.customer_25, cls.customer_month_end
        cls.portal_a = cls._portal_user("portal_a", "采购 王芳", cls.customer_a)
        cls.portal_b = cls._portal_user("portal_b", "财务 李强", cls.customer_b)

        cls.statements = {}  # label -> statement of customer A
        months = iter(range(1, 12))
        for label in (
            "draft",
            "to_review",
            "approved",
            "sent",
            "confirmed",
            "deemed",
            "disputed",
            "cancel",
            "superseded",
        ):
            cls.statements[label] = cls._statement_in_state(cls.customer_a, next(months), label)
        superseded = cls.statements["superseded"]
        cls._refund(cls.customer_a, "2026-09-15", 100)  # what the new revision corrects
        superseded.action_new_revision()
        revision = superseded.search([("previous_revision_id", "=", superseded.id)])
        revision.action_submit()
        revision.action_approve()
        revision._mark_sent(date(2026, 11, 20))
        cls.statements["new revision"] = revision
        cls.statement_b = cls._statement_in_state(cls.customer_b, 8, "sent")
        cls.draft_b = cls._statement_in_state(cls.customer_b, 9, "draft")

    @classmethod
    def _portal_user(cls, login, name, customer):
        contact = cls.env["res.partner"].create({"name": name, "parent_id": customer.id, "email": f"{login}@x.example"})
        return cls._create_portal_user(login, contact, lang="zh_CN")

    @classmethod
    def _statement_in_state(cls, customer, month, state):
        """A statement of the period ending on the customer's cut-off in ``month`` of 2026."""
        cls._invoice(customer, f"2026-{month:02d}-05", 100 * month)
        statement = cls.env["monthly.settlement.statement"]._generate_statements(customer, date(2026, month + 1, 1))[0]
        statement = statement.filtered(lambda s: s.period_end.month == month)
        if state == "draft":
            return statement
        statement.action_submit()
        if state == "to_review":
            return statement
        if state == "cancel":
            statement.action_cancel()
            return statement
        statement.action_approve()
        if state == "approved":
            return statement
        statement._mark_sent(date(2026, month + 1, 1))
        if state == "confirmed":
            statement._record_confirmation("王芳")
        elif state == "disputed":
            statement._record_dispute({}, "金额不对")
        elif state == "deemed":
            statement._transition({"state": "deemed", "answer_date": "2026-11-01 00:00:00"})
        return statement

    def _get(self, statement_id, token=None, path=""):
        url = f"/my/statements/{statement_id}{path}"
        if token is not None:
            url += f"?access_token={token}"
        return self.url_open(url, allow_redirects=False)

    def _visitors(self, statement):
        """(visitor, login, token) -> may this visitor open the statement? A superseded revision's
        token leads to the current revision (a redirect), checked in test_old_token_and_unknown_ids."""
        visible = statement.state in VISIBLE_STATES and not statement.superseded_by_id
        own = {self.customer_a: "portal_a", self.customer_b: "portal_b"}[statement.partner_id]
        other = "portal_b" if own == "portal_a" else "portal_a"
        return [
            ("anonymous", None, None, False),
            ("anonymous with the token", None, statement.access_token, visible),
            ("anonymous with a wrong token", None, "0" * 36, False),
            ("anonymous with an empty token", None, "", False),
            ("its customer", own, None, visible),
            ("its customer with a wrong token", own, "0" * 36, visible),
            ("another customer", other, None, False),
            ("another customer with a wrong token", other, "0" * 36, False),
            ("another customer with the token", other, statement.access_token, visible),
        ]

    def test_detail_page_for_every_visitor_and_state(self):
        for statement in (*self.statements.values(), self.statement_b, self.draft_b):
            statement._portal_ensure_token()
            for visitor, login, token, allowed in self._visitors(statement):
                with self.subTest(statement=statement.state, revision=statement.revision, visitor=visitor):
                    self.authenticate(login, login)
                    response = self._get(statement.id, token)
                    if statement.superseded_by_id and token == statement.access_token:
                        self.assertEqual(response.status_code, 303)
                        continue
                    self.assertEqual(response.status_code, 200 if allowed else 404)
                    if allowed:
                        self.assertIn(statement.name, response.text)
                        self.assertIn(f"{statement.closing_balance:,.2f}", response.text)
                    else:
                        self.assertNotIn(statement.partner_id.name, response.text)
                        self.assertNotIn(f"{statement.closing_balance:,.2f}", response.text)

    def test_old_token_and_unknown_ids(self):
        old, new = self.statements["superseded"], self.statements["new revision"]
        old._portal_ensure_token()
        new._portal_ensure_token()
        self.assertNotEqual(old.access_token, new.access_token)
        self.authenticate(None, None)
        redirect = self._get(old.id, old.access_token)
        self.assertEqual(redirect.status_code, 303, "the old email's link leads to the current revision")
        self.assertTrue(redirect.headers["Location"].endswith(new.get_portal_url()))
        self.assertEqual(self._get(old.id).status_code, 404)
        self.assertEqual(self._get(new.id, old.access_token).status_code, 404)
        self.assertEqual(self._get(new.id, new.access_token).status_code, 200)
        missing_id = self.env["monthly.settlement.statement"].search([], order="id desc", limit=1).id + 1000
        forbidden = self._get(self.draft_b.id, "0" * 36)
        unknown = self._get(missing_id, "0" * 36)
        self.assertEqual((forbidden.status_code, unknown.status_code), (404, 404))
        self.assertEqual(
            re.sub(r'csrf_token: "\w+"', "", forbidden.text),
            re.sub(r'csrf_token: "\w+"', "", unknown.text),
            "a statement that exists and one that does not must be refused alike",
        )
        self.authenticate("portal_a", "portal_a")
        self.assertEqual(self._get("abc").status_code, 404)

    def test_list_shows_only_own_visible_statements(self):
        expected = {
            "portal_a": {
                s.id for s in self.statements.values() if s.state in VISIBLE_STATES and not s.superseded_by_id
            },
            "portal_b": {self.statement_b.id},
        }
        for login, statement_ids in expected.items():
            with self.subTest(login=login):
                self.authenticate(login, login)
                self.assertEqual(self._listed("/my/statements"), statement_ids)
                self.assertIn('href="/my/statements"', self.url_open("/my/home").text)
        self.authenticate("portal_a", "portal_a")
        self.assertEqual(
            self._listed("/my/statements?filterby=to_confirm"),
            {self.statements["sent"].id, self.statements["new revision"].id},
        )
        self.assertEqual(self._listed("/my/statements?filterby=disputed"), set(self.statements["disputed"].ids))
        self.assertEqual(
            self._listed("/my/statements?filterby=confirmed"),
            {self.statements["confirmed"].id, self.statements["deemed"].id},
        )
        self.assertEqual(self._listed("/my/statements?search=2026-06"), set(self.statements["deemed"].ids))
        self.authenticate(None, None)
        response = self.url_open("/my/statements", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def _listed(self, url):
        return {int(found) for found in re.findall(r'href="/my/statements/(\d+)', self.url_open(url).text)}

    def _confirm(self, statement, token=None, name="王芳"):
        response = self.url_open(
            f"/my/statements/{statement.id}/confirm",
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"access_token": token, "name": name}}
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_confirm_only_own_statement_waiting_for_an_answer(self):
        sent, sent_b = self.statements["sent"], self.statement_b
        self.authenticate("portal_b", "portal_b")
        for statement in (sent, self.statements["draft"], self.statements["approved"]):
            with self.subTest(state=statement.state):
                self.assertEqual(self._confirm(statement)["error"]["code"], 404)
                self.assertNotEqual(statement.state, "confirmed")
        self.assertEqual(self._confirm(self.statements["confirmed"])["error"]["code"], 404)

        self.authenticate("portal_a", "portal_a")
        self.assertIn("本对账单已无需您答复", self._confirm(self.statements["disputed"])["result"]["error"])
        self.assertIn("请输入您的姓名", self._confirm(sent, name="  ")["result"]["error"])
        self.assertEqual(sent.state, "sent")
        self.assertTrue(self._confirm(sent)["result"]["force_refresh"])
        self.assertRecordValues(sent, [{"state": "confirmed", "confirm_name": "王芳", "confirm_ip": "127.0.0.1"}])

        self.authenticate(None, None)
        sent_b._portal_ensure_token()
        self.assertEqual(self._confirm(sent_b, token="0" * 36)["error"]["code"], 404)
        self.assertTrue(self._confirm(sent_b, token=sent_b.access_token, name="李强")["result"]["force_refresh"])
        self.assertRecordValues(sent_b, [{"state": "confirmed", "confirm_name": "李强"}])

    def _csrf_token(self, statement):
        page = self._get(statement.id).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]

    def test_dispute_needs_the_csrf_token_and_is_shown_escaped(self):
        sent = self.statements["sent"]
        invoice_line = sent.line_ids.filtered(lambda line: line.line_type == "invoice")
        self.authenticate("portal_a", "portal_a")
        form = {
            f"dispute_line_{invoice_line.id}": "on",
            f"comment_line_{invoice_line.id}": "<img src=x onerror=alert(1)>数量不对",
            "comment": "<script>alert('x')</script>请核对",
        }
        without_token = self.url_open(f"/my/statements/{sent.id}/dispute", data=form, allow_redirects=False)
        self.assertEqual(without_token.status_code, 400)
        self.assertEqual(sent.state, "sent")

        self.authenticate("portal_b", "portal_b")
        csrf_b = re.search(
            r'csrf_token: "([^"]+)"|name="csrf_token" value="([^"]+)"', self.url_open("/my/statements").text
        )
        self.assertTrue(csrf_b)
        refused = self.url_open(
            f"/my/statements/{sent.id}/dispute",
            data=dict(form, csrf_token=csrf_b[1] or csrf_b[2]),
            allow_redirects=False,
        )
        self.assertEqual(refused.status_code, 404)
        self.assertEqual(sent.state, "sent")

        self.authenticate("portal_a", "portal_a")
        response = self.url_open(
            f"/my/statements/{sent.id}/dispute",
            data=dict(form, csrf_token=self._csrf_token(sent)),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertRecordValues(sent, [{"state": "disputed", "dispute_comment": "<script>alert('x')</script>请核对"}])
        self.assertRecordValues(
            invoice_line, [{"is_disputed": True, "dispute_comment": "<img src=x onerror=alert(1)>数量不对"}]
        )
        page = self._get(sent.id).text
        self.assertNotIn("<script>alert('x')", page)
        self.assertNotIn("<img src=x", page)
        self.assertIn("&lt;script&gt;alert(", page)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;数量不对", page)

    def test_report_downloads_follow_the_statement_access(self):
        sent = self.statements["sent"]
        sent._portal_ensure_token()
        xlsx = self.env.ref("monthly_settlement_reports.action_report_statement_xlsx")
        unrelated = self.env.ref("account.account_invoices")
        url = f"/my/statements/{sent.id}?report_id={xlsx.id}&download=1"
        self.authenticate(None, None)
        response = self.url_open(f"{url}&access_token={sent.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"), "an XLSX file")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertEqual(self.url_open(f"{url}&access_token={'0' * 36}").status_code, 404)
        self.authenticate("portal_b", "portal_b")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.authenticate("portal_a", "portal_a")
        self.assertEqual(self.url_open(url).status_code, 200)
        other_report = f"/my/statements/{sent.id}?report_id={unrelated.id}"
        self.assertEqual(self.url_open(other_report).status_code, 404, "only the statement's own reports")

    def test_lines_table_columns(self):
        """Every row of the lines table has a cell per column, the opening balance in the balance
        column, as on the PDF."""
        statement = self.statements["sent"]
        statement._portal_ensure_token()
        self.authenticate("portal_a", "portal_a")
        page = lxml.html.fromstring(self._get(statement.id).text)
        [table] = page.xpath("//table[contains(@class, 'o_statement_lines')]")
        header = table.xpath("./thead/tr/th")
        _debit_column, _credit_column, balance_column = (
            index for index, th in enumerate(header) if "text-end" in th.get("class", "")
        )
        rows = table.xpath("./tbody/tr")
        self.assertEqual(len(rows), len(statement.line_ids))
        for row, line in zip(rows, statement.line_ids, strict=True):
            cells = [cell.text_content().strip() for cell in row.xpath("./td")]
            with self.subTest(line=line.line_type):
                self.assertEqual(len(cells), len(header))
                self.assertIn(f"{line.balance:,.2f}", cells[balance_column])
