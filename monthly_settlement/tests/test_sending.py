from datetime import datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import MonthlySettlementCommon
from .queued_jobs import perform_queued_jobs
from .smtp_sink import deliver_to_local_smtp


@tagged("post_install", "-at_install")
class TestSending(MonthlySettlementCommon):
    """Statements reach customers by email, on paper, and count as confirmed after silence."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "周丽",
                "parent_id": cls.customer_25.id,
                "email": "zhou.li@buyer.example.com",
                "lang": "zh_CN",
            }
        )
        cls.customer_25.write({"settlement_contact_ids": [(6, 0, cls.contact.ids)], "settlement_lang": "zh_CN"})
        cls.reviewer = cls._create_settlement_user("ms_send_reviewer", "monthly_settlement.group_settlement_reviewer")
        cls._invoice(cls.customer_25, "2026-10-10", 1000)

    def _send_queued_mails(self):
        """What the mail queue does (forced sending happens after commit, which tests never do),
        over SMTP to a local server; returns the server's inbox."""
        with deliver_to_local_smtp(self.env) as inbox:
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        return inbox

    def _send_from_dialog(self, statements, **changes):
        """Send by Email as the reviewer: the dialog the button opens, then its Send button."""
        action = statements.with_user(self.reviewer).action_send()
        self.assertEqual(action["res_model"], "monthly.settlement.send")
        wizard = (
            self.env[action["res_model"]].with_user(self.reviewer).with_context(**action["context"]).create(changes)
        )
        return wizard.action_send()

    def _approved(self, customer=None):
        statement = self._generate(customer or self.customer_25, self.d("2026-11-24"))
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        return statement

    def test_email_to_statement_contacts_in_their_language(self):
        statement = self._approved()
        self._send_from_dialog(statement)
        self.assertRecordValues(statement, [{"state": "approved", "delivery_state": "queued", "send_date": False}])
        inbox = self._send_queued_mails()
        self.assertRecordValues(statement, [{"state": "sent", "delivery_state": "sent", "send_uid": self.reviewer.id}])
        message = statement.delivery_message_id
        self.assertEqual(message.partner_ids, self.contact)
        self.assertIn("对账单", message.subject)
        self.assertIn(statement.display_name, message.subject)
        self.assertIn(f"/my/statements/{statement.id}?access_token={statement.access_token}", message.body)
        self.assertTrue(statement.access_token)
        self.assertEqual(
            sorted(message.attachment_ids.mapped("name")),
            sorted(
                f"{statement.with_context(lang='zh_CN')._get_report_base_filename()}.{ext}"
                for ext in self._report_extensions(statement)
            ),
        )
        [(envelope_to, delivered)] = [(to, mail) for to, mail in inbox.messages if mail["Subject"] == message.subject]
        self.assertEqual(envelope_to, ["zhou.li@buyer.example.com"])
        self.assertEqual(delivered["Subject"], message.subject)
        self.assertEqual(
            sorted(part.get_filename() for part in delivered.iter_attachments()),
            sorted(message.attachment_ids.mapped("name")),
        )

    def _report_extensions(self, statement):
        """What each attached report renders to here (in test mode PDFs render as HTML)."""
        return [
            self.env["ir.actions.report"]._render(report, statement.ids)[1]
            for report in statement._get_statement_reports()
        ]

    def test_email_in_english_for_english_customers(self):
        self.customer_25.settlement_lang = "en_US"
        statement = self._approved()
        self._send_from_dialog(statement)
        self._send_queued_mails()
        self.assertIn("statement", statement.delivery_message_id.subject)
        self.assertIn("Please check it and confirm the balance", statement.delivery_message_id.body)

    def test_failed_email_keeps_the_statement_approved(self):
        self.contact.email = "not an email address"
        statement = self._approved()
        self._send_from_dialog(statement)
        self._send_queued_mails()
        self.assertRecordValues(statement, [{"state": "approved", "delivery_state": "failed", "send_date": False}])
        self.assertEqual(
            statement.delivery_error,
            f"The email address of {self.contact.display_name} is missing or invalid (not an email address): "
            "correct it on the contact.",
            "one line for the one customer recipient, saying what to fix",
        )
        activity = statement.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == self.env.ref("monthly_settlement.mail_activity_statement_email_failed")
            )
        )
        self.assertEqual(len(activity), 1)
        self.contact.email = "zhou.li@buyer.example.com"
        self._send_from_dialog(statement)
        self._send_queued_mails()
        self.assertRecordValues(statement, [{"state": "sent", "delivery_state": "sent"}])

    def test_send_needs_an_email_address(self):
        self.contact.email = False
        statement = self._approved()
        with self.assertRaisesRegex(UserError, "no statement contact with an email address"):
            self._send_from_dialog(statement)
        self.assertEqual(statement.state, "approved")

    def test_scheduled_sending_follows_the_delivery_channel(self):
        paper_customer = self._create_monthly_customer(
            "纸质对账客户",
            cutoff_day=25,
            settlement_delivery_email=False,
            settlement_delivery_paper=True,
            email="paper@buyer.example.com",
        )
        self._invoice(paper_customer, "2026-10-11", 300)
        by_email, on_paper = self._approved(), self._approved(paper_customer)
        with self.enter_registry_test_mode():
            self.env.ref("monthly_settlement.ir_cron_send_statements").method_direct_trigger()
            perform_queued_jobs(self.env)
        self._send_queued_mails()
        self.assertEqual(by_email.state, "sent")
        self.assertEqual(on_paper.state, "approved")
        action = on_paper.with_user(self.reviewer).action_mark_sent()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.reviewer)
            .with_context(**action["context"])
            .create({"sent_on": "2026-10-28"})
        )
        wizard.action_mark_sent()
        self.assertRecordValues(
            on_paper, [{"state": "sent", "send_date": datetime(2026, 10, 28, 12), "delivery_state": False}]
        )
        later = self._approved(self._create_monthly_customer("晚寄客户", cutoff_day=25, email="late@buyer.example.com"))
        with self.assertRaisesRegex(UserError, "in the future"):
            later.with_user(self.reviewer)._mark_sent(self.d("2999-01-01"))

    def test_several_statements_from_one_dialog(self):
        other = self._create_monthly_customer("西南贸易有限公司", cutoff_day=25, email="ap@xinan.example.com")
        self._invoice(other, "2026-10-12", 420)
        statements = self._approved() | self._approved(other)
        self._send_from_dialog(statements)
        inbox = self._send_queued_mails()
        self.assertEqual(statements.mapped("state"), ["sent", "sent"])
        delivered = {to for recipients, _mail in inbox.messages for to in recipients}
        self.assertLessEqual({"zhou.li@buyer.example.com", "ap@xinan.example.com"}, delivered)
        self.assertEqual(statements.delivery_message_id.partner_ids, self.contact | other)

    def _paper_customer(self, name, email=None, **values):
        customer = self._create_monthly_customer(
            name,
            cutoff_day=25,
            settlement_delivery_email=bool(email),
            settlement_delivery_paper=True,
            email=email,
            street="解放路 8 号",
            city="杭州",
            **values,
        )
        self._invoice(customer, "2026-10-11", 300)
        return customer

    def test_to_print_until_posted(self):
        on_paper = self._approved(self._paper_customer("纸质对账客户"))
        handed_over = self._approved(self._paper_customer("当面交付客户"))
        email_only = self._approved()
        self.assertEqual((on_paper | handed_over | email_only).mapped("is_to_print"), [True, True, False])
        handed_over.with_user(self.reviewer)._mark_sent(self.d("2026-11-30"))
        self.assertFalse(handed_over.is_to_print, "handed over: nothing to post")
        with self.assertRaisesRegex(UserError, "not waiting to be posted"):
            (on_paper | email_only).with_user(self.reviewer)._mark_posted(self.d("2026-12-01"))
        with self.assertRaisesRegex(UserError, "in the future"):
            on_paper.with_user(self.reviewer)._mark_posted(self.d("2026-12-03"))
        self.assertRecordValues(on_paper, [{"state": "approved", "post_date": False}])
        on_paper.with_user(self.reviewer)._mark_posted(self.d("2026-12-01"))
        self.assertRecordValues(
            on_paper,
            [
                {
                    "state": "sent",
                    "post_date": self.d("2026-12-01"),
                    "send_date": datetime(2026, 12, 1, 12),
                    "send_uid": self.reviewer.id,
                    "is_to_print": False,
                }
            ],
        )

    def test_posted_before_the_email_goes_out(self):
        """Email and paper: posted before the hourly sending, the statement is emailed all the same
        and keeps the posting day as the day it was sent."""
        statement = self._approved(self._paper_customer("双渠道客户", email="ap@both.example.com"))
        statement.with_user(self.reviewer)._mark_posted(self.d("2026-12-01"))
        self.assertRecordValues(statement, [{"state": "sent", "delivery_state": False}])
        with self.enter_registry_test_mode():
            self.env.ref("monthly_settlement.ir_cron_send_statements").method_direct_trigger()
            perform_queued_jobs(self.env)
        inbox = self._send_queued_mails()
        self.assertIn(["ap@both.example.com"], [recipients for recipients, _mail in inbox.messages])
        self.assertRecordValues(
            statement,
            [
                {
                    "state": "sent",
                    "delivery_state": "sent",
                    "send_date": datetime(2026, 12, 1, 12),
                    "send_uid": self.reviewer.id,
                    "post_date": self.d("2026-12-01"),
                }
            ],
        )

    def test_paper_contact(self):
        customer = self._paper_customer("寄送地址客户")
        contact = self.env["res.partner"].create({"name": "收件人 陈红", "parent_id": customer.id, "type": "other"})
        customer.settlement_paper_contact_id = contact
        statement = self._approved(customer)
        self.assertEqual(statement._get_paper_recipient(), contact)
        with self.assertRaisesRegex(UserError, "收件人 陈红.*no postal address"):
            statement.with_user(self.reviewer)._mark_posted(self.d("2026-12-01"))
        self.assertRecordValues(statement, [{"state": "approved", "post_date": False}])
        contact.write({"street": "滨江区江南大道 3 号", "city": "杭州"})
        statement.with_user(self.reviewer)._mark_posted(self.d("2026-12-01"))
        self.assertEqual(statement.post_date, self.d("2026-12-01"))
        with self.assertRaisesRegex(ValidationError, "only go to the customer or one of its contacts"):
            customer.settlement_paper_contact_id = self.contact


@tagged("post_install", "-at_install")
class TestDeemedConfirmation(MonthlySettlementCommon):
    def test_deemed_confirmed_the_day_after_the_last_day_to_answer(self):
        self.customer_25.write(
            {
                "settlement_confirm_days": 10,
                "email": "ap@buyer.example.com",
                "settlement_lang": "zh_CN",
            }
        )
        self._invoice(self.customer_25, "2026-10-10", 1000)
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        statement.action_submit()
        self.env.company.settlement_four_eyes = False
        statement.action_approve()
        statement._mark_sent(self.d("2026-11-01"))  # the customer may answer up to 2026-11-11
        cron = self.env.ref("monthly_settlement.ir_cron_deem_confirmed")
        with self.enter_registry_test_mode(), freeze_time("2026-11-11 23:00:00"):
            cron.method_direct_trigger()
        self.assertEqual(statement.state, "sent")
        with self.enter_registry_test_mode(), freeze_time("2026-11-12 01:00:00"):
            cron.method_direct_trigger()
        self.assertRecordValues(statement, [{"state": "deemed", "answer_date": datetime(2026, 11, 12, 1)}])
        notice = statement.message_ids.filtered(lambda message: "已视同确认" in (message.subject or ""))
        self.assertEqual(notice.partner_ids, self.customer_25)

    def test_never_without_days_in_the_terms(self):
        self._invoice(self.customer_25, "2026-10-10", 1000)
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        statement.action_submit()
        self.env.company.settlement_four_eyes = False
        statement.action_approve()
        statement._mark_sent(self.d("2026-01-01"))
        with self.enter_registry_test_mode(), freeze_time("2026-11-30"):
            self.env.ref("monthly_settlement.ir_cron_deem_confirmed").method_direct_trigger()
        self.assertEqual(statement.state, "sent")
