"""What the customer received stays as it was: a sent statement is withdrawn, never rewritten; the
files sent are kept byte for byte (SHA-256) and nobody deletes or replaces them; the documents it
lists stay put. Done over HTTP as the users of each role, checked in the database and in the
emails read back from a local SMTP server."""

import base64
import hashlib

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import MonthlySettlementCommon
from .http_common import RpcError, WebClientCase
from .smtp_sink import deliver_to_local_smtp

STATEMENT = "monthly.settlement.statement"
CHINESE = "[\u4e00-\u9fff]{4}"


@tagged("post_install", "-at_install")
class TestSentStatementsOverHttp(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reviewer = cls._create_settlement_user("ms_sent_reviewer", "monthly_settlement.group_settlement_reviewer")
        cls.manager = cls._create_settlement_user("ms_sent_manager", "monthly_settlement.group_settlement_manager")
        cls.user = cls._create_settlement_user("ms_sent_user", "monthly_settlement.group_settlement_user")
        cls.admin = cls._user_of("ms_sent_admin", "base.group_system,monthly_settlement.group_settlement_manager")
        cls.accountant = cls._user_of("ms_sent_accountant", "monthly_settlement.group_settlement_reviewer")
        cls.buyer = cls.env["res.partner"].create(
            {"name": "周丽", "parent_id": cls.customer_25.id, "email": "zhou.li@buyer.example.com"}
        )
        cls.customer_25.write({"settlement_contact_ids": [Command.set(cls.buyer.ids)], "settlement_lang": "zh_CN"})
        cls.invoice = cls._invoice(cls.customer_25, "2026-10-10", 1000)
        cls.payment = cls._payment(cls.customer_25, "2026-10-20", 300)

    @classmethod
    def _user_of(cls, login, groups):
        """An accounting manager (may reset invoices to draft) with ``groups``, in the statements' company."""
        return new_test_user(
            cls.env,
            login=login,
            groups=f"account.group_account_manager,{groups}",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
            lang="zh_CN",
        )

    def _approved(self):
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        return statement

    def _emailed(self):
        """Approved, emailed by the reviewer, delivered: (statement, the emails the SMTP server got)."""
        statement = self._approved()
        statement.with_user(self.reviewer)._send()
        mails = self._deliver()
        self.assertEqual(statement.state, "sent")
        return statement, mails

    def _deliver(self):
        with deliver_to_local_smtp(self.env) as inbox:
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        self.env.invalidate_all()
        return inbox.messages

    def _content_in_sql(self, statement):
        """The statement's content as the database holds it: header, lines and ageing."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """SELECT name, revision, opening_balance, period_debit, period_credit, closing_balance,
                      amount_not_due, amount_overdue, date_due, send_date
                 FROM monthly_settlement_statement WHERE id = %s""",
            [statement.id],
        )
        header = cr.fetchall()
        cr.execute(
            """SELECT id, move_id, name, amount, open_amount, balance FROM monthly_settlement_statement_line
                WHERE statement_id = %s ORDER BY id""",
            [statement.id],
        )
        lines = cr.fetchall()
        cr.execute(
            "SELECT id, amount FROM monthly_settlement_statement_ageing WHERE statement_id = %s ORDER BY id",
            [statement.id],
        )
        return header, lines, cr.fetchall()

    def test_sent_then_withdrawn_keeps_its_content(self):
        statement, _mails = self._emailed()
        number = statement.name
        before = self._content_in_sql(statement)
        self.assertEqual(before[0][0][3], 1000.0, "the invoice of the period")
        self.assertEqual(len(before[1]), 3, "the opening balance, the invoice and the payment")

        # The manager cancels it in the web client: it is withdrawn, not reopened.
        self.web_login(self.manager)
        self.call_button(statement, "action_cancel")
        self.env.invalidate_all()
        self.assertRecordValues(statement, [{"state": "cancel", "is_withdrawn": True, "name": number}])
        for method in ("action_reopen", "action_regenerate", "action_submit"):
            with self.subTest(method=method), self.assertRaises(RpcError) as refused:
                self.call_button(statement, method)
            self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
            self.assertRegex(refused.exception.message, CHINESE)
        self.assertIn(number, refused.exception.message)
        # Not even the superuser rewrites it, in the ORM or through the engine.
        with self.assertRaises(UserError):
            statement.sudo().write({"closing_balance": 1.0})
        with self.assertRaises(UserError):
            statement.sudo().line_ids[:1].write({"amount": 1.0})
        with self.assertRaises(UserError):
            statement.sudo().line_ids[:1].unlink()
        with self.assertRaises(UserError):
            self.env["monthly.settlement.engine"]._regenerate(statement)
        self.assertEqual(self._content_in_sql(statement), before)
        self.assertEqual(self.env[STATEMENT].search_count([("name", "=", number)]), 1, "its number stays its own")

        # The customer was told by email, in their language; the withdrawn statement is on the portal as such.
        withdrawal = [
            (to, mail)
            for to, mail in self._deliver()
            if "zhou.li@buyer.example.com" in to and number in mail["Subject"]
        ]
        self.assertEqual(len(withdrawal), 1)
        self.assertEqual(
            " ".join(str(withdrawal[0][1]["Subject"]).split()),
            f"{self.env.company.name}：对账单 {number} 已撤回",
        )
        self.assertIn("已撤回", withdrawal[0][1].get_body(("html",)).get_content())
        page = self.url_open(statement.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_statement_withdrawn_notice", page.text)

    def test_files_sent_are_kept_byte_for_byte(self):
        statement, mails = self._emailed()
        sending = statement.sending_ids.filtered(lambda sending: sending.channel == "email")
        files = statement._get_sent_attachments()
        received = {
            part.get_filename(): part.get_payload(decode=True)
            for to, mail in mails
            if "zhou.li@buyer.example.com" in to
            for part in mail.iter_attachments()
        }
        self.assertEqual(sorted(received), sorted(files.mapped("name")))
        self.assertEqual(
            sorted(sending.checksums.splitlines()),
            sorted(f"{hashlib.sha256(content).hexdigest()}  {name}" for name, content in received.items()),
            "the SHA-256 stored are those of the bytes the customer received",
        )
        self.assertRecordValues(sending, [{"channel": "email", "recipient_ids": self.buyer.ids}])
        self.assertFalse(
            self.env["ir.attachment"].search_count([("res_model", "=", STATEMENT), ("res_id", "=", statement.id)]),
            "sending adds no file to the statement's own (the report lookup would take it)",
        )
        # The portal publication (the customer uses the portal) and a paper copy go with the same files.
        self.assertEqual(statement.sending_ids.mapped("channel"), ["email", "portal"])
        self.assertEqual(statement.sending_ids[1].attachment_ids, files)

        # A file attached in the chatter after sending is kept too.
        note = self.env["ir.attachment"].create(
            {"name": "回执.txt", "raw": b"receipt", "res_model": STATEMENT, "res_id": statement.id}
        )
        for user in (self.user, self.reviewer, self.manager, self.admin):
            self.web_login(user)
            for attachment in (files[0], note):
                for method, args in (
                    ("unlink", [attachment.ids]),
                    ("write", [attachment.ids, {"datas": base64.b64encode(b"forged").decode()}]),
                    ("write", [attachment.ids, {"res_id": statement.id + 1}]),
                ):
                    with self.subTest(user=user.login, file=attachment.name, method=method):
                        with self.assertRaises(RpcError) as refused:
                            self.call_kw("ir.attachment", method, args)
                        # Whatever the access rights would say, the message says why.
                        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
                        self.assertIn(statement.name, refused.exception.message)
                        self.assertRegex(refused.exception.message, CHINESE)
        files[0].sudo().write({"raw": files[0].raw})  # the same bytes (a move between storages) change nothing
        with self.assertRaises(UserError):
            files.sudo().unlink()
        with self.assertRaises(UserError):
            sending.sudo().unlink()
        with self.assertRaises(UserError):
            sending.sudo().write({"checksums": "forged"})
        self.env.invalidate_all()
        self.assertEqual(
            sorted(f"{hashlib.sha256(file.raw).hexdigest()}  {file.name}" for file in files),
            sorted(sending.checksums.splitlines()),
        )
        # In the back office, the files as sent are downloaded from the statement (the PDF renders
        # as HTML in test mode: the extensions are those of the files sent).
        self.web_login(self.user)
        for file in files:
            extension = file.name.rsplit(".", 1)[1]
            action = self.call_button(
                statement, "action_download_sent_file", context=self.web_context(extension=extension)
            )
            downloaded = self.url_open(action["url"]).content
            self.assertIn(f"{hashlib.sha256(downloaded).hexdigest()}  {file.name}", sending.checksums.splitlines())

    def test_documents_on_a_sent_statement_stay_put(self):
        statement, _mails = self._emailed()
        self.web_login(self.accountant)
        for move, method in ((self.invoice, "button_draft"), (self.invoice, "button_cancel")):
            with self.subTest(method=method), self.assertRaises(RpcError) as refused:
                self.call_button(move, method)
            self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
            self.assertIn(statement.name, refused.exception.message)
            self.assertRegex(refused.exception.message, CHINESE)
        with self.assertRaises(RpcError) as refused:
            self.call_button(self.payment, "action_draft")
        self.assertIn(statement.name, refused.exception.message)
        self.env.invalidate_all()
        self.assertEqual((self.invoice.state, self.payment.move_id.state), ("posted", "posted"))
        self.assertFalse(statement.needs_revision)

        # With the company's setting, a settlement manager may; the statement says so and wants a new revision.
        self.env.company.settlement_allow_source_changes = True
        with self.assertRaises(RpcError):
            self.call_button(self.invoice, "button_draft")  # the accountant still may not
        self.web_login(self.admin)
        self.call_button(self.invoice, "button_draft")
        self.env.invalidate_all()
        self.assertEqual(self.invoice.state, "draft")
        self.assertTrue(statement.needs_revision)
        self.assertEqual(self.env[STATEMENT].search([("needs_revision", "=", True)]), statement)
        self.assertIn(self.invoice.name, statement.message_ids[0].body)

    def test_concurrent_send_refused_while_the_email_is_on_its_way(self):
        statement = self._approved()
        statement.with_user(self.reviewer)._send()
        with self.assertRaises(UserError):
            statement.with_user(self.reviewer)._send()
        self.assertEqual(len(statement.sending_ids), 1)

    def test_paper_statement_withdrawn_asks_for_a_notice(self):
        statement = self._approved()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-11-26"))
        paper = statement.sending_ids.filtered(lambda sending: sending.channel == "paper")
        self.assertEqual(len(paper), 1)
        self.assertEqual(paper.attachment_ids, statement._get_sent_attachments())
        self.assertIn(self.customer_25.name, paper.recipients)
        self.web_login(self.manager)
        self.call_button(statement, "action_cancel")
        self.env.invalidate_all()
        [activity] = statement.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == self.env.ref("monthly_settlement.mail_activity_statement_withdrawn_paper")
            )
        )
        self.assertEqual(activity.user_id, self.reviewer, "who handed it over posts the notice")
        self.assertEqual(activity.summary, "向客户邮寄对账单撤回通知")
        customer_mail = [mail for to, mail in self._deliver() if "zhou.li@buyer.example.com" in to]
        self.assertFalse(customer_mail, "no email to the customer: it never went by email")
