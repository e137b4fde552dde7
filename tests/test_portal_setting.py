"""The customer's Publish on Portal setting, on and off, everywhere it shows: the portal page and
its token link, the portal list, the statement email and the deemed-confirmation email (read back
from an SMTP server) and the statement PDF (real PDF: its text and its images)."""

import re
from datetime import date

from odoo.tests import HttpCase, tagged
from odoo.tests.common import freeze_time

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon
from odoo.addons.monthly_settlement.tests.smtp_sink import deliver_to_local_smtp
from odoo.addons.monthly_settlement_reports.tests import test_statement_pdf

PDF_REPORT = "monthly_settlement_reports.action_report_statement_pdf"
QR_SIZE = "240   240"  # pdfimages -list: width and height of the QR code (rendered 240 x 240)


@tagged("post_install", "-at_install")
class TestPublishOnPortal(MonthlySettlementCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.settlement_four_eyes = False
        # Same terms, the portal on for one, off for the other; no statement contacts, so the
        # customer itself receives the emails (the recipient Odoo would give a portal button).
        cls.on_portal, cls.off_portal = cls.customer_25, cls.customer_month_end
        cls.on_portal.write(
            {"email": "ap@huadong.example.com", "settlement_lang": "zh_CN", "settlement_confirm_days": 10}
        )
        cls.off_portal.write(
            {
                "email": "ap@beifang.example.com",
                "settlement_lang": "zh_CN",
                "settlement_confirm_days": 10,
                "settlement_delivery_portal": False,
            }
        )
        cls.portal_users = {
            customer: cls._create_portal_user(
                login,
                cls.env["res.partner"].create({"name": login, "parent_id": customer.id, "email": f"{login}@x.example"}),
            )
            for customer, login in ((cls.on_portal, "portal_on"), (cls.off_portal, "portal_off"))
        }
        cls._invoice(cls.on_portal, "2026-10-10", 1000)
        cls._invoice(cls.off_portal, "2026-10-12", 700)

    def _approved(self, customer):
        statement = self._generate(customer, self.d("2026-11-24"))
        statement.action_submit()
        statement.action_approve()
        return statement

    def _sent(self):
        statements = self._approved(self.on_portal) | self._approved(self.off_portal)
        for statement in statements:
            statement._mark_sent(date(2026, 11, 1))
            statement._portal_ensure_token()
        return statements

    def _delivered_html(self):
        """{recipient address: html body} of the emails sent now over SMTP."""
        with deliver_to_local_smtp(self.env) as inbox:
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        return {
            to: mail.get_body(preferencelist=("html",)).get_content().replace("&amp;", "&")
            for recipients, mail in inbox.messages
            for to in recipients
            if to in (self.on_portal.email, self.off_portal.email)
        }

    def test_portal_pages_and_list(self):
        on, off = self._sent()
        self.assertRecordValues(on | off, [{"is_on_portal": True}, {"is_on_portal": False}])
        for statement, status in ((on, 200), (off, 404)):
            with self.subTest(customer=statement.partner_id.name):
                self.authenticate(None, None)
                url = f"/my/statements/{statement.id}"
                self.assertEqual(self.url_open(f"{url}?access_token={statement.access_token}").status_code, status)
                login = self.portal_users[statement.partner_id].login
                self.authenticate(login, login)
                page = self.url_open(url, allow_redirects=False)
                self.assertEqual(page.status_code, status)
                if status == 404:
                    self.assertNotIn(statement.name, page.text)
                listed = set(map(int, re.findall(r'href="/my/statements/(\d+)', self.url_open("/my/statements").text)))
                self.assertEqual(listed, set(statement.ids) if status == 200 else set())
        # Publishing on the portal later puts the customer's statements there.
        self.off_portal.settlement_delivery_portal = True
        self.authenticate(None, None)
        self.assertEqual(self.url_open(f"/my/statements/{off.id}?access_token={off.access_token}").status_code, 200)

    def test_statement_email(self):
        on, off = self._approved(self.on_portal), self._approved(self.off_portal)
        (on | off)._send()
        html = self._delivered_html()
        self.assertEqual(set(html), {self.on_portal.email, self.off_portal.email})
        self.assertIn(f"/my/statements/{on.id}?access_token={on.access_token}", html[self.on_portal.email])
        self.assertIn("请核对后在线确认余额", html[self.on_portal.email])
        self.assertNotIn("/my/statements", html[self.off_portal.email])
        self.assertNotIn("access_token", html[self.off_portal.email])
        self.assertNotIn("在线", html[self.off_portal.email])
        self.assertIn("请核对后回复本邮件确认余额，或将对账单签字盖章后寄回", html[self.off_portal.email])
        self.assertEqual((on | off).mapped("state"), ["sent", "sent"])

    def test_deemed_confirmation_email(self):
        on, off = self._sent()
        self._delivered_html()  # nothing pending before the scheduled action
        with self.enter_registry_test_mode(), freeze_time("2026-11-12 01:00:00"):
            self.env.ref("monthly_settlement.ir_cron_deem_confirmed").method_direct_trigger()
        self.assertEqual((on | off).mapped("state"), ["deemed", "deemed"])
        html = self._delivered_html()
        self.assertIn(f"/my/statements/{on.id}?access_token={on.access_token}", html[self.on_portal.email])
        self.assertNotIn("/my/statements", html[self.off_portal.email])
        self.assertNotIn("access_token", html[self.off_portal.email])
        self.assertIn("如有疑问，请直接回复本邮件", html[self.off_portal.email])

    def test_pdf(self):
        on, off = self._approved(self.on_portal), self._approved(self.off_portal)
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        for statement, on_portal in ((on, True), (off, False)):
            with self.subTest(customer=statement.partner_id.name):
                content, _kind = report._render_qweb_pdf(PDF_REPORT, statement.ids)
                poppler = test_statement_pdf.StatementReportCommon._poppler
                text, images = poppler("pdftotext", content), poppler("pdfimages", content, "-list")
                self.assertIn(statement.partner_id.name, text)
                self.assertEqual("扫码在线确认" in text, on_portal, text[:400])
                self.assertEqual(QR_SIZE in images, on_portal, images)
