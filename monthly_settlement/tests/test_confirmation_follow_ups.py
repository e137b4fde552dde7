import ast
from datetime import date, timedelta

from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import freeze_time
from odoo.tools import format_date

from .common import MonthlySettlementCommon
from .http_common import WebClientCase
from .smtp_sink import run_mail_queue

STATEMENT = "monthly.settlement.statement"
CHINESE = "[\u4e00-\u9fff]"
SENT_ON = "2026-11-25"
# The default schedule: 5 and 10 days after sending.
FIRST_DAY, SECOND_DAY = "2026-11-30", "2026-12-05"


@tagged("post_install", "-at_install")
class TestConfirmationFollowUps(MonthlySettlementCommon, WebClientCase):
    """Confirmation follow-ups sent by their scheduled action on frozen days.

    Each customer's statement of 2026-09-26..2026-10-25 is sent on 2026-11-25; the default
    schedule follows it up on 2026-11-30 (5 days) and 2026-12-05 (10 days) while the customer
    neither confirms nor disputes it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("monthly_settlement.ir_cron_send_confirmation_follow_ups")
        cls.salesperson = cls._create_settlement_user(
            "ms_fu_sales", "monthly_settlement.group_settlement_user", lang="en_US"
        )
        cls.reviewer = cls._create_settlement_user("ms_fu_reviewer", "monthly_settlement.group_settlement_reviewer")
        cls.accountant = cls._create_settlement_user("ms_fu_accountant", "monthly_settlement.group_settlement_reviewer")
        cls.customer_addresses = set()
        # English customer on the portal (customer_25 of the fixture).
        cls.english = cls._customer(cls.customer_25, "wang@example.com", settlement_lang="en_US")
        # Chinese customer without the portal: asked to reply to the email.
        cls.chinese = cls._customer(
            cls._create_monthly_customer("南方电子有限公司", cutoff_day=25, payment_days=60),
            "li@nanfang.example.com",
            settlement_lang="zh_CN",
            settlement_delivery_portal=False,
        )

    @classmethod
    def _customer(cls, partner, email, **values):
        contact = cls.env["res.partner"].create({"name": email.split("@")[0], "email": email, "parent_id": partner.id})
        partner.write(
            {
                "email": f"info.{email}",
                "user_id": cls.salesperson.id,
                "settlement_accountant_id": cls.accountant.id,
                "settlement_contact_ids": [Command.set(contact.ids)],
                **values,
            }
        )
        cls._invoice(partner, "2026-10-10", 1000)
        cls.customer_addresses.add(email)
        return partner

    def _new_customer(self, name, **values):
        partner = self._create_monthly_customer(name, cutoff_day=25, payment_days=60)
        return self._customer(partner, f"{partner.id}@buyer.example.com", **{"settlement_lang": "en_US", **values})

    def _sent_statement(self, partner, sent_on=SENT_ON):
        statement = self._generate(partner, self.d("2026-11-24"))
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        with freeze_time(f"{sent_on} 10:00:00"):
            statement.with_user(self.reviewer)._mark_sent(self.d(sent_on))
        return statement

    def _run_cron(self, *days):
        for day in days:
            with self.enter_registry_test_mode(), freeze_time(f"{day} 02:00:00"):
                self.cron.method_direct_trigger()
        self.env.invalidate_all()

    def _run_cron_daily(self, first, last):
        day = self.d(first)
        while day <= self.d(last):
            self._run_cron(str(day))
            day += timedelta(days=1)

    def _deliver(self):
        """Run the mail queue over SMTP to a local server; returns {customer address: [(subject, html)]}."""
        return run_mail_queue(self).received(self.customer_addresses)

    def _follow_ups(self, statement):
        """[(date, days after sending)] of the statement's confirmation follow-ups."""
        return [
            (str(reminder.date), reminder.days)
            for reminder in statement.reminder_ids.sorted("date")
            if reminder.kind == "confirmation"
        ]

    def _unanswered_activities(self, statement):
        activity_type = self.env.ref("monthly_settlement.mail_activity_statement_unanswered")
        return statement.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type)

    def _steps(self, company=None):
        return self.env["monthly.settlement.reminder.step"].search(
            [("company_id", "=", (company or self.env.company).id), ("kind", "=", "confirmation")]
        )

    def _expected_days(self, sent_on=SENT_ON, skip=()):
        """[(date, days)] of the default schedule for a statement sent on ``sent_on``."""
        return [(str(self.d(sent_on) + timedelta(days=days)), days) for days in (5, 10) if days not in skip]

    # ------------------------------------------------------------------

    def test_default_schedule_for_every_company(self):
        steps = self._steps()
        self.assertEqual(steps.mapped("days"), [5, 10])
        self.assertEqual(steps.mapped("display_name"), ["5 days after sending", "10 days after sending"])
        self.assertEqual(
            steps.mapped("mail_template_id"),
            self.env.ref("monthly_settlement.mail_template_follow_up_first")
            | self.env.ref("monthly_settlement.mail_template_follow_up_second"),
        )
        company = self.env["res.company"].create({"name": "上海新公司"})
        self.assertEqual(self._steps(company).mapped("days"), [5, 10])
        with self.assertRaises(ValidationError):
            steps[0].days = 0  # a follow-up of a statement not sent yet makes no sense

    def test_follow_ups_on_their_days_once_each(self):
        statement = self._sent_statement(self.english)
        self._run_cron_daily("2026-11-26", "2026-11-30")
        self.assertEqual(self._follow_ups(statement), self._expected_days(skip=(10,)))
        follow_up = statement.reminder_ids
        self.assertEqual(follow_up.recipient_ids, self.english.settlement_contact_ids)
        self.assertIn(follow_up.message_id, statement.message_ids, "the email is in the statement's chatter")
        first_subject = f"{self.env.company.name}: please confirm statement {statement.name}"
        self.assertEqual(follow_up.message_id.subject, first_subject)
        [(subject, body)] = self._deliver()["wang@example.com"]
        self.assertEqual(subject, first_subject)
        self.assertIn("Please confirm the balance, or tell us what is wrong.", body)
        self.assertIn(f"/my/statements/{statement.id}?access_token={statement.access_token}", body)

        self._run_cron_daily("2026-11-30", "2026-12-20")
        self.assertEqual(self._follow_ups(statement), self._expected_days(), "each step once, on its day")
        delivered = self._deliver()
        self.assertEqual(
            [subject for subject, _body in delivered["wang@example.com"]],
            [f"{self.env.company.name}: statement {statement.name} still awaits your confirmation"],
            "the second step, once: the first one went out already",
        )
        self.assertEqual(statement.reminder_ids.mapped("kind"), ["confirmation", "confirmation"])

    def test_missed_days_send_only_the_latest_step(self):
        statement = self._sent_statement(self.english)
        self._run_cron("2026-12-07")
        self.assertEqual(self._follow_ups(statement), [("2026-12-07", 12)], "not both steps at once")
        self._run_cron("2026-12-08")
        self.assertEqual(len(statement.reminder_ids), 1)

    def test_in_each_customer_language(self):
        """The English customer reads English with the portal link; the Chinese customer, who
        has no portal, reads Chinese and is asked to reply to the email."""
        english, chinese = self._sent_statement(self.english), self._sent_statement(self.chinese)
        self._run_cron(FIRST_DAY)
        delivered = self._deliver()
        company = self.env.company.name
        [(english_subject, english_body)] = delivered["wang@example.com"]
        [(chinese_subject, chinese_body)] = delivered["li@nanfang.example.com"]
        self.assertEqual(english_subject, f"{company}: please confirm statement {english.name}")
        self.assertEqual(chinese_subject, f"{company}：请确认对账单 {chinese.name}")
        self.assertIn("Confirm or dispute the statement", english_body)
        self.assertIn(english.get_portal_url(), english_body)
        self.assertIn("请确认余额，或告知我们哪里有误。", chinese_body)
        self.assertIn("2026/11/25", chinese_body, "the sending date, written as Chinese readers write it")
        self.assertIn("请直接回复本邮件", chinese_body)
        self.assertNotIn("/my/statements", chinese_body, "no portal: no link to it")
        self.assertNotIn("Please confirm", chinese_body)

    def test_confirmation_stops_the_follow_ups(self):
        statement = self._sent_statement(self.english)
        self._run_cron(FIRST_DAY)
        with freeze_time("2026-12-02 10:00:00"):
            statement.sudo()._record_confirmation("王会计")
        self._run_cron_daily("2026-12-03", "2026-12-10")
        self.assertEqual(self._follow_ups(statement), self._expected_days(skip=(10,)))
        self.assertFalse(self._unanswered_activities(statement))

    def test_dispute_stops_the_follow_ups(self):
        statement = self._sent_statement(self.english)
        with freeze_time("2026-11-28 10:00:00"):
            statement.with_user(self.reviewer)._record_dispute({}, "Phone call: one invoice is twice", channel="phone")
        self._run_cron_daily("2026-11-29", "2026-12-10")
        self.assertFalse(statement.reminder_ids)
        self.assertFalse(self._unanswered_activities(statement))

    def test_paper_only_customer_gets_none(self):
        paper = self._new_customer("纸质对账客户", settlement_delivery_email=False, settlement_delivery_paper=True)
        statement = self._sent_statement(paper)
        self.assertTrue(statement.is_awaiting_answer)
        self._run_cron_daily("2026-11-29", "2026-12-10")
        self.assertFalse(statement.reminder_ids)
        self.assertFalse(self._unanswered_activities(statement))
        self.assertEqual(self._deliver(), {})

    def test_no_follow_up_once_deemed_confirmation_comes_first(self):
        """A step on or after the deemed-confirmation date (send date + the days frozen on the
        statement) is not sent, even if the statement was not marked as deemed yet."""
        statements = {
            confirm_days: self._sent_statement(
                self._new_customer(f"视为确认{confirm_days}天", settlement_confirm_days=confirm_days)
            )
            for confirm_days in (5, 10, 11)
        }
        self._run_cron_daily("2026-11-29", "2026-12-06")
        self.assertEqual(
            {days: statement.confirm_days for days, statement in statements.items()}, {5: 5, 10: 10, 11: 11}
        )
        self.assertEqual(self._follow_ups(statements[5]), [], "deemed on the first step's day")
        self.assertEqual(self._follow_ups(statements[10]), self._expected_days(skip=(10,)))
        self.assertEqual(self._follow_ups(statements[11]), self._expected_days(), "deemed the day after the last step")
        deemed_date = self.d(SENT_ON) + timedelta(days=11)
        self.assertIn(
            f"Without an answer by <strong>{format_date(self.env(context={'lang': 'en_US'}), deemed_date)}</strong>",
            statements[11].reminder_ids[-1:].message_id.body,
            "the customer is told until when they may answer",
        )

    def test_accountant_asked_to_call_after_the_last_step(self):
        statement = self._sent_statement(self.english)
        self._run_cron_daily("2026-11-26", SECOND_DAY)
        self.assertFalse(self._unanswered_activities(statement), "the last email just went out")
        self._run_cron("2026-12-06")
        activity = self._unanswered_activities(statement)
        self.assertRecordValues(activity, [{"user_id": self.accountant.id, "date_deadline": self.d("2026-12-06")}])
        summary = (
            self.env.ref("monthly_settlement.mail_activity_statement_unanswered").with_context(lang="zh_CN").summary
        )
        self.assertEqual(activity.summary, summary)
        self.assertRegex(activity.summary, CHINESE, "in the accountant's language")
        self.assertIn(statement.name, str(activity.note))
        self.assertEqual(statement.unanswered_activity_date, self.d("2026-12-06"))

        self._run_cron("2026-12-07", "2026-12-20")
        self.assertEqual(self._unanswered_activities(statement), activity, "once per statement")
        activity.action_feedback(feedback="打过电话，客户下周回复")
        self._run_cron("2026-12-21")
        self.assertFalse(self._unanswered_activities(statement), "done: not given again")

    def test_salesperson_asked_when_no_accountant_and_activity_closed_by_the_answer(self):
        customer = self._new_customer("无会计客户", settlement_accountant_id=False)
        statement = self._sent_statement(customer)
        self._run_cron(FIRST_DAY, SECOND_DAY, "2026-12-06")
        activity = self._unanswered_activities(statement)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(
            activity.summary, "Call the customer about the unanswered statement", "in English, as they read"
        )
        with freeze_time("2026-12-07 10:00:00"):
            statement.with_user(self.reviewer)._record_confirmation("Mr Chan", channel="phone")
        self._run_cron("2026-12-08")
        self.assertFalse(self._unanswered_activities(statement), "answered: nothing left to chase")

    def test_new_revision_is_followed_up_from_its_own_sending(self):
        """The replaced revision gets no more follow-ups; the new one is asked anew."""
        old = self._sent_statement(self.english)
        self._run_cron(FIRST_DAY)
        with freeze_time("2026-12-01 10:00:00"):
            self._refund(self.english, "2026-10-12", 100)  # what the new revision corrects
            new = self.env[STATEMENT].browse(old.with_user(self.reviewer).action_new_revision()["res_id"])
            new.with_user(self.reviewer).action_submit()
            new.action_approve()  # four eyes: the manager approves what the reviewer prepared
            new._mark_sent(self.d("2026-12-01"))
        self.assertEqual(old.superseded_by_id, new)
        self._run_cron_daily("2026-12-02", "2026-12-15")
        self.assertEqual(self._follow_ups(old), self._expected_days(skip=(10,)))
        self.assertEqual(self._follow_ups(new), self._expected_days("2026-12-01"))

    def test_waiting_for_the_customer_over_http(self):
        """The reviewer's filter shows exactly the statements sent and not answered yet, with the
        days since sending."""
        waiting = self._sent_statement(self.english)
        confirmed = self._sent_statement(self._new_customer("已确认客户"))
        confirmed.with_user(self.reviewer)._record_confirmation("王会计", channel="stamped_copy")
        disputed = self._sent_statement(self._new_customer("有异议客户"))
        disputed.with_user(self.reviewer)._record_dispute({}, "电话告知：金额有误", channel="phone")
        approved = self._generate(self._new_customer("已审核客户"), self.d("2026-11-24"))
        approved.action_submit()
        approved.with_user(self.reviewer).action_approve()
        replaced = self._sent_statement(self.chinese, sent_on="2026-11-26")
        with freeze_time("2026-11-28 10:00:00"):
            self._refund(self.chinese, "2026-10-12", 100)  # what the new revision corrects
            revision = self.env[STATEMENT].browse(replaced.with_user(self.reviewer).action_new_revision()["res_id"])
            revision.with_user(self.reviewer).action_submit()
            revision.action_approve()
            revision._mark_sent(self.d("2026-11-28"))
        self.assertTrue(
            confirmed.state == "confirmed" and disputed.state == "disputed" and approved.state == "approved"
        )

        self.web_login(self.reviewer)
        search_view = self.env.ref("monthly_settlement.monthly_settlement_statement_view_search")
        views = self.call_kw(STATEMENT, "get_views", [], {"views": [[search_view.id, "search"]]})
        arch = etree.fromstring(views["views"]["search"]["arch"])
        [waiting_filter] = arch.xpath("//filter[@name='awaiting_answer']")
        self.assertRegex(waiting_filter.get("string"), CHINESE, "the reviewer reads it in Chinese")
        found = self.call_kw(
            STATEMENT,
            "web_search_read",
            [],
            {
                "domain": ast.literal_eval(waiting_filter.get("domain")),
                "specification": {"display_name": {}, "days_since_sent": {}},
            },
        )
        today = date(2026, 12, 2)  # the suite's clock
        self.assertEqual(
            {record["id"]: record["days_since_sent"] for record in found["records"]},
            {waiting.id: (today - self.d(SENT_ON)).days, revision.id: (today - self.d("2026-11-28")).days},
        )

    def test_demo_replays_follow_ups_on_their_days(self):
        """The demo's history (monthly_settlement_demo) replays both scheduled actions day by
        day: the follow-ups, the accountant's activity and the payment reminders are dated as if
        they had run on each of those days."""
        statement = self._sent_statement(self.english)
        self.env["monthly.settlement.demo"]._demo_reminders(self.d("2026-12-20"))
        self.assertEqual(self._follow_ups(statement), self._expected_days())
        self.assertEqual(
            [(str(reminder.date), reminder.days) for reminder in statement.reminder_ids if reminder.kind == "payment"],
            [(str(statement.date_due - timedelta(days=7)), -7)],
        )
        self.assertEqual(self._unanswered_activities(statement).date_deadline, self.d("2026-12-06"))
