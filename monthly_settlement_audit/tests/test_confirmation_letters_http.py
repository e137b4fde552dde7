"""Balance confirmation letters (往来询证函) as the auditor issues them in the web client and as
customers answer them on the portal: balances from the books at the balance date, the email read
back from an SMTP server, the PDF sent read back with pdftotext, the reply summary with openpyxl,
and the reply deadline closing what was not answered."""

import hashlib
import io
import re
import subprocess
import tempfile

import openpyxl

from odoo import Command
from odoo.tests import freeze_time, tagged

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon
from odoo.addons.monthly_settlement.tests.http_common import RpcError, WebClientCase
from odoo.addons.monthly_settlement.tests.smtp_sink import deliver_to_local_smtp

LETTER = "monthly.settlement.confirmation.letter"
ISSUE = "monthly.settlement.confirmation.letter.issue"
BALANCE_DATE = "2026-11-30"
DEADLINE = "2026-12-20"


@tagged("post_install", "-at_install")
class TestConfirmationLettersOverHttp(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("en_US")
        cls.auditor = cls._create_settlement_user("ms_letter_auditor", "monthly_settlement.group_settlement_auditor")
        # Three customers, each with the contact who answers for it.
        cls.east = cls.customer_25
        cls.north = cls.customer_month_end
        cls.south = cls._create_monthly_customer("南方电子有限公司", cutoff_month_end=True)
        cls.east_ap = cls.env["res.partner"].create(
            {"name": "周丽", "parent_id": cls.east.id, "type": "invoice", "email": "zhou.li@east.example.com"}
        )
        cls.north_ap = cls.env["res.partner"].create(
            {"name": "Wang Fang", "parent_id": cls.north.id, "email": "ap@north.example.com"}
        )
        cls.south_ap = cls.env["res.partner"].create(
            {"name": "李强", "parent_id": cls.south.id, "type": "invoice", "email": "li.qiang@south.example.com"}
        )
        cls.east.settlement_lang = "zh_CN"
        cls.north.write({"settlement_lang": "en_US", "settlement_contact_ids": [Command.set(cls.north_ap.ids)]})
        cls.south.settlement_lang = "zh_CN"
        cls.east_portal = cls._create_portal_user("ms_letter_east", cls.east_ap, lang="zh_CN")
        cls.north_portal = cls._create_portal_user("ms_letter_north", cls.north_ap, lang="en_US")
        cls.south_portal = cls._create_portal_user("ms_letter_south", cls.south_ap, lang="zh_CN")

        # The books: what each customer owes at the end of 2026-11-30.
        east_invoice = cls._invoice(cls.east, "2026-10-10", 10000)
        cls._invoice(cls.east, "2026-11-05", 2345.67)
        cls._pay(east_invoice, "2026-11-20", 3000)
        cls._payment(cls.east, "2026-12-01", 1000)  # after the balance date: does not count
        cls._invoice(cls.east, "2026-12-01", 777)  # after the balance date: does not count
        cls._invoice(cls.north, "2026-11-12", 5000)
        cls._refund(cls.north, "2026-11-15", 500)
        cls.north_usd = cls._invoice(cls.north, "2026-11-01", 100, currency=cls.usd)
        cls._invoice(cls.south, "2026-09-30", 800)
        cls.expected = {
            cls.east: 10000 + 2345.67 - 3000,
            cls.north: 5000 - 500 + cls.north_usd.amount_total_signed,
            cls.south: 800,
        }

    # ------------------------------------------------------------------
    # Helpers: the web client and the portal as their users use them
    # ------------------------------------------------------------------

    def _issue(self, customers, form, **values):
        """The auditor selects customers in the customer list, opens the dialog and issues."""
        self.web_login(self.auditor)
        action = {
            "res_model": ISSUE,
            "context": {"active_model": "res.partner", "active_ids": customers.ids, "force_report_rendering": True},
        }
        shown = self.open_dialog(action, {"partner_ids": {}, "form": {}, "scope": {}, "send_now": {}})
        self.assertEqual(sorted(command[1] for command in shown["partner_ids"]), sorted(customers.ids), "the selection")
        result = self.save_dialog_and_click(
            action,
            {
                "partner_ids": [Command.set(customers.ids)],
                "form": form,
                "balance_date": BALANCE_DATE,
                "reply_deadline": DEADLINE,
                **values,
            },
            "action_issue",
        )
        self.env.invalidate_all()
        letters = self.env[LETTER].search(result["domain"])
        self.assertEqual(letters.partner_id, customers)
        return letters

    def _deliver(self):
        with deliver_to_local_smtp(self.env) as inbox:
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        self.env.invalidate_all()
        return inbox

    def _portal_login(self, user):
        """The customer logs in from their own browser (no language cookie left by another visitor)."""
        self.opener.cookies.pop("frontend_lang", None)
        return self.web_login(user)

    def _portal_page(self, letter, token=None):
        url = f"/my/confirmation_letters/{letter.id}" + (f"?access_token={token}" if token else "")
        return self.url_open(url)

    def _reply(self, user, letter, **form):
        """The customer opens the letter's page and submits its answer form."""
        self._portal_login(user)
        page = self._portal_page(letter)
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        answer = self.url_open(
            f"/my/confirmation_letters/{letter.id}/reply", data={"csrf_token": csrf, **form}, allow_redirects=True
        )
        self.assertEqual(answer.status_code, 200)
        self.env.invalidate_all()
        return answer.text

    @staticmethod
    def _pdftotext(content):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            return subprocess.run(
                ["pdftotext", "-layout", pdf.name, "-"], check=True, capture_output=True, text=True
            ).stdout

    # ------------------------------------------------------------------

    def test_issue_send_answer_and_close(self):
        customers = self.east | self.north | self.south
        letters = self._issue(customers, "positive", batch_name="2026 年审")
        by_customer = {letter.partner_id: letter for letter in letters}
        east, north, south = by_customer[self.east], by_customer[self.north], by_customer[self.south]

        # Balances at the balance date, from the documents the test made.
        for customer, letter in by_customer.items():
            with self.subTest(customer=customer.name):
                self.assertAlmostEqual(letter.balance, self.expected[customer], places=2)
        self.assertEqual(north.currency_balance_data, {str(self.usd.id): 100.0})
        self.assertEqual(len(set(letters.mapped("name"))), 3, "one number each")
        self.assertTrue(all(name.startswith("CL/2026/") for name in letters.mapped("name")))
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertEqual(letters.send_uid, self.auditor)

        # The exact PDF sent is kept with its SHA-256; it shows the balance and both seal areas.
        for letter in letters:
            content = letter.sent_pdf_id.raw
            self.assertTrue(content.startswith(b"%PDF"))
            self.assertEqual(letter.sent_pdf_sha256, hashlib.sha256(content).hexdigest())
        east_text = self._pdftotext(east.sent_pdf_id.raw)
        for expected in ("往来询证函", east.name, "9,345.67", "华东贸易有限公司", self.env.company.name, "盖章"):
            with self.subTest(expected=expected):
                self.assertIn(expected, east_text)
        self.assertEqual(east_text.count("公司盖章"), 3, "our seal, and theirs for agreeing and for disagreeing")
        north_text = self._pdftotext(north.sent_pdf_id.raw)
        self.assertIn("Balance Confirmation Letter", north_text)
        self.assertIn(f"{self.expected[self.north]:,.2f}", north_text)
        self.assertIn("Company seal", north_text)

        # The emails reach the accounting contacts, in their language, with the portal link.
        inbox = self._deliver()
        received = inbox.received(["zhou.li@east.example.com", "ap@north.example.com", "li.qiang@south.example.com"])
        self.assertEqual(len(received), 3)
        [(subject, body)] = received["zhou.li@east.example.com"]
        self.assertIn(f"询证函 {east.name}", subject)
        self.assertIn(
            f"/my/confirmation_letters/{east.id}?access_token={east.access_token}", body.replace("&amp;", "&")
        )
        [(subject, body)] = received["ap@north.example.com"]
        self.assertIn(f"balance confirmation letter {north.name}", subject)
        attachments = [
            part.get_filename()
            for recipients, mail in inbox.messages
            if "zhou.li@east.example.com" in recipients
            for part in mail.iter_attachments()
        ]
        self.assertEqual(attachments, [east.sent_pdf_id.name])

        # The link works without logging in; another customer cannot open the letter.
        self.assertEqual(self._portal_page(east, token=east.access_token).status_code, 200)
        self._portal_login(self.south_portal)
        self.assertEqual(self._portal_page(east).status_code, 404)
        self.assertEqual(self._portal_page(east, token="forged").status_code, 404)
        pdf = self.url_open(f"/my/confirmation_letters/{east.id}?download=1")
        self.assertEqual(pdf.status_code, 404)
        listed = self.url_open("/my/confirmation_letters").text
        self.assertIn(south.name, listed)
        self.assertNotIn(east.name, listed)

        # Positive, agreed (in Chinese); the PDF downloaded is the one sent.
        self._portal_login(self.east_portal)
        self.assertEqual(self.url_open(f"/my/confirmation_letters/{east.id}?download=1").content, east.sent_pdf_id.raw)
        self._reply(self.east_portal, east, answer="agree", name="周丽")
        self.assertRecordValues(
            east,
            [{"state": "answered", "reply_kind": "agree", "reply_name": "周丽", "difference": 0, "is_agreed": True}],
        )
        self.assertTrue(east.reply_date and east.reply_ip)

        # Positive, disagreed: without an amount refused (in the customer's language), then with it.
        page = self._reply(self.north_portal, north, answer="disagree", name="Wang Fang", comment="Credit note missing")
        self.assertIn("You disagree: give the balance in your books.", page)
        self.assertEqual(north.state, "sent", "nothing half-written")
        self._reply(
            self.north_portal,
            north,
            answer="disagree",
            amount="5,000.00",
            name="Wang Fang",
            comment="USD invoice unknown",
        )
        self.assertRecordValues(
            north,
            [
                {
                    "state": "answered",
                    "reply_kind": "disagree",
                    "reply_amount": 5000,
                    "has_difference": True,
                    "is_agreed": False,
                }
            ],
        )
        self.assertAlmostEqual(north.difference, 5000 - self.expected[self.north], places=2)

        # Negative letters to north and south, a blank one to east.
        negatives = self._issue(self.north | self.south, "negative")
        north_negative = negatives.filtered(lambda letter: letter.partner_id == self.north)
        south_negative = negatives - north_negative
        [east_blank] = self._issue(self.east, "blank")
        blank_text = self._pdftotext(east_blank.sent_pdf_id.raw)
        self.assertNotIn("9,345.67", blank_text, "the blank form does not show our balance")
        self.assertIn("盖章", blank_text)

        # Negative, disagreed.
        self._reply(self.south_portal, south_negative, answer="disagree", amount="650", name="李强", comment="已付150")
        self.assertRecordValues(
            south_negative, [{"state": "answered", "reply_amount": 650, "difference": -150, "has_difference": True}]
        )
        # Blank: their amount, refused without it (in Chinese).
        page = self._reply(self.east_portal, east_blank, name="周丽")
        self.assertIn("请提供贵公司账面余额", page)
        self._reply(self.east_portal, east_blank, amount="9345.67", name="周丽")
        self.assertRecordValues(
            east_blank, [{"state": "answered", "reply_kind": "amount", "difference": 0, "is_agreed": True}]
        )
        self.assertAlmostEqual(east_blank.reply_amount, self.expected[self.east], places=2)

        # The deadline passes: the unanswered negative letter is deemed agreed, the positive one has no reply.
        with freeze_time("2026-12-21 09:00:00"), self.enter_registry_test_mode():
            self.env.ref("monthly_settlement_audit.ir_cron_confirmation_letters_close_overdue").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(north_negative.state, "deemed")
        self.assertTrue(north_negative.is_agreed)
        self.assertEqual(south.state, "no_reply")

        # The reply summary for the audit file, downloaded by the auditor.
        every = letters | negatives | east_blank
        self.web_login(self.auditor)
        response = self.url_open(
            f"/report/xlsx/monthly_settlement_audit.letter_summary_xlsx/{','.join(map(str, every.ids))}"
        )
        self.assertEqual(response.status_code, 200)
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = {row[0]: row for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(set(rows), set(every.mapped("name")))
        north_row = rows[north.name]
        self.assertEqual(north_row[1], self.north.name)
        self.assertAlmostEqual(north_row[6], self.expected[self.north], places=2)
        self.assertEqual(north_row[9], 5000)
        self.assertAlmostEqual(north_row[10], 5000 - self.expected[self.north], places=2)
        self.assertEqual(north_row[11], "Wang Fang")
        self.assertEqual(north_row[15], north.sent_pdf_sha256)
        summary = {row[0]: row[1] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
        # 6 sent: 4 answered (east, north, south negative, east blank), 3 agreed (east twice, north's
        # negative letter deemed), 2 differences (north, south's negative letter), 1 without reply.
        self.assertEqual(list(summary.values()), [6, 4, 3, 2, 1, 0, 4 / 6])

        # The reply rate per batch in the overview.
        [group] = self.call_kw(
            LETTER,
            "formatted_read_group",
            [],
            {"domain": [("batch_name", "=", "2026 年审")], "groupby": ["batch_name"], "aggregates": ["reply_rate:avg"]},
        )
        self.assertAlmostEqual(group["reply_rate:avg"], 200 / 3, places=2)

    def test_refusals(self):
        self.web_login(self.auditor)
        action = {"res_model": ISSUE, "context": {}}
        with self.assertRaises(RpcError) as refused:
            self.save_dialog_and_click(
                action,
                {"form": "positive", "balance_date": BALANCE_DATE, "reply_deadline": "2026-11-01"},
                "action_issue",
            )
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
        self.assertRegex(refused.exception.message, "[\u4e00-\u9fff]{4}", "in the auditor's language")
        self.assertFalse(self.env[LETTER].search([]), "nothing half-written")

        # By criteria: the monthly customers with a balance, not sent yet.
        letters = self.env[LETTER].search(
            self.save_dialog_and_click(
                action,
                {
                    "scope": "with_balance",
                    "form": "positive",
                    "balance_date": BALANCE_DATE,
                    "reply_deadline": DEADLINE,
                    "send_now": False,
                },
                "action_issue",
            )["domain"]
        )
        self.assertEqual(letters.partner_id, self.east | self.north | self.south)
        self.assertEqual(set(letters.mapped("state")), {"draft"})
        # A draft is nobody's business outside.
        self._portal_login(self.east_portal)
        east = letters.filtered(lambda letter: letter.partner_id == self.east)
        self.assertEqual(self._portal_page(east, token=east.sudo()._portal_ensure_token()).status_code, 404)
        # The auditor may not touch statements.
        self.web_login(self.auditor)
        with self.assertRaises(RpcError) as refused:
            self.call_kw("monthly.settlement.statement", "create", [{"partner_id": self.east.id}])
        self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")

    def test_kept_as_sent_and_answered_from_the_email_link(self):
        [letter] = self._issue(self.east, "negative")
        pdf = letter.sent_pdf_id
        # The auditor cannot rewrite the figures, nor delete the letter or the PDF sent.
        for method, args, error in (
            ("write", [letter.ids, {"balance": 1.0}], "odoo.exceptions.AccessError"),
            ("write", [letter.ids, {"state": "answered"}], "odoo.exceptions.AccessError"),
            ("unlink", [letter.ids], "odoo.exceptions.UserError"),
        ):
            with self.subTest(method=method, args=args), self.assertRaises(RpcError) as refused:
                self.call_kw(LETTER, method, args)
            self.assertEqual(refused.exception.name, error)
        self.call_kw(LETTER, "write", [letter.ids, {"batch_name": "年审抽样"}])
        # Nor can an administrator touch the PDF sent.
        self.web_login(
            self._create_settlement_user(
                "ms_letter_admin", "base.group_system,monthly_settlement.group_settlement_manager"
            )
        )
        for method, args in (("unlink", [pdf.ids]), ("write", [pdf.ids, {"datas": "Zm9yZ2Vk"}])):
            with self.subTest(method=method), self.assertRaises(RpcError) as refused:
                self.call_kw("ir.attachment", method, args)
            self.assertIn(letter.name, refused.exception.message)
        self.env.invalidate_all()
        self.assertEqual(hashlib.sha256(pdf.raw).hexdigest(), letter.sent_pdf_sha256)
        self.assertEqual(letter.batch_name, "年审抽样")

        # The customer answers from the email's link, without an account.
        self.authenticate(None, None)
        self.opener.cookies.pop("frontend_lang", None)
        page = self._portal_page(letter, token=letter.access_token)
        self.assertEqual(page.status_code, 200)
        self.assertIn("9,345.67", page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        self.url_open(
            f"/my/confirmation_letters/{letter.id}/reply?access_token={letter.access_token}",
            data={"csrf_token": csrf, "answer": "disagree", "amount": "9000", "name": "周丽", "comment": "差 345.67"},
        )
        self.env.invalidate_all()
        self.assertRecordValues(
            letter, [{"state": "answered", "reply_kind": "disagree", "reply_amount": 9000, "reply_name": "周丽"}]
        )
        self.assertAlmostEqual(letter.difference, 9000 - self.expected[self.east], places=2)
        reply = letter.message_ids.filtered(lambda message: "周丽" in message.body)
        self.assertEqual(reply.author_id, self.east, "signed by the customer, not OdooBot")
        self.assertIn("差 345.67", reply.body)
