from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import MonthlySettlementCommon
from .smtp_sink import run_mail_queue


@tagged("post_install", "-at_install")
class TestReminders(MonthlySettlementCommon):
    """Payment reminders sent by the scheduled action on frozen days.

    customer_25's statement of 2026-09-26..2026-10-25 is due 60 days later: 2026-12-24.
    The default schedule sends on 12-17 (-7), 12-24 (0), 12-31 (+7) and 2027-01-23 (+30).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("monthly_settlement.ir_cron_send_payment_reminders")
        cls.salesperson = cls._create_settlement_user("ms_sales", "monthly_settlement.group_settlement_user")
        cls.reviewer = cls._create_settlement_user("ms_reviewer", "monthly_settlement.group_settlement_reviewer")
        cls.contact = cls.env["res.partner"].create(
            {"name": "王会计", "email": "wang@example.com", "parent_id": cls.customer_25.id}
        )
        cls.customer_25.write(
            {
                "email": "info@huadong.example.com",
                "settlement_lang": "en_US",  # asserts read the templates' English wording
                "user_id": cls.salesperson.id,
                "settlement_contact_ids": [(6, 0, cls.contact.ids)],
            }
        )
        cls.invoice = cls._invoice(cls.customer_25, "2026-10-10", 1000)
        cls.customer_addresses = {"info@huadong.example.com", "wang@example.com", "li@nanfang.example.com"}

    def _sent_statement(self, partner=None):
        statement = self._generate(partner or self.customer_25, self.d("2026-11-24"))
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        with freeze_time("2026-11-25 10:00:00"):
            statement.with_user(self.reviewer)._mark_sent(self.d("2026-11-25"))
        return statement

    def _run_cron(self, day):
        with self.enter_registry_test_mode(), freeze_time(f"{day} 02:00:00"):
            self.cron.method_direct_trigger()
        self.env.invalidate_all()

    def _deliver(self):
        """Run the mail queue over SMTP to a local server; returns {customer address: [subject]}."""
        # The salesperson follows the statement: their copies and assignment notices are Odoo's.
        received = run_mail_queue(self).received(self.customer_addresses)
        return {address: [subject for subject, _body in mails] for address, mails in received.items()}

    def _sent_steps(self, statement):
        return [(str(reminder.date), reminder.step_id.days) for reminder in statement.reminder_ids.sorted("date")]

    def _follow_ups(self, statement):
        return statement.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == self.env.ref("monthly_settlement.mail_activity_payment_follow_up")
            )
        )

    def test_default_schedule_for_every_company(self):
        steps = self.env["monthly.settlement.reminder.step"].search(
            [("company_id", "=", self.env.company.id), ("kind", "=", "payment")]
        )
        self.assertEqual(steps.mapped("days"), [-7, 0, 7, 30])
        self.assertEqual(steps.mapped("display_name")[:2], ["7 days before the due date", "On the due date"])
        self.assertTrue(all(step.mail_template_id.model == "monthly.settlement.statement" for step in steps))
        company = self.env["res.company"].create({"name": "上海新公司"})
        self.assertEqual(
            self.env["monthly.settlement.reminder.step"]
            .search([("company_id", "=", company.id), ("kind", "=", "payment")])
            .mapped("days"),
            [-7, 0, 7, 30],
        )

    def test_reminders_on_their_days_once_each(self):
        statement = self._sent_statement()
        self.assertEqual(statement.date_due, self.d("2026-12-24"))
        self._run_cron("2026-12-16")
        self.assertFalse(statement.reminder_ids, "8 days before the due date: too early")

        self._run_cron("2026-12-17")
        self.assertEqual(self._sent_steps(statement), [("2026-12-17", -7)])
        reminder = statement.reminder_ids
        self.assertEqual(reminder.recipient_ids, self.contact, "the statement contact, not the company address")
        self.assertEqual(reminder.open_amount, 1000.0)
        message = reminder.message_id
        self.assertIn(message, statement.message_ids, "the email is in the statement's chatter")
        self.assertIn(statement.name, message.subject)
        self.assertIn("falls due soon", message.subject)
        self.assertEqual(message.partner_ids, self.contact)
        self.assertFalse(self._follow_ups(statement), "no follow-up before the statement is overdue")
        self.assertEqual(self._deliver(), {"wang@example.com": [message.subject]})

        self._run_cron("2026-12-17")
        self._run_cron("2026-12-18")
        self.assertEqual(len(statement.reminder_ids), 1, "a step is sent once")
        self.assertEqual(self._deliver(), {}, "and emailed once")

        self._run_cron("2026-12-24")
        self._run_cron("2026-12-30")
        self.assertEqual(self._sent_steps(statement), [("2026-12-17", -7), ("2026-12-24", 0)])
        self.assertFalse(self._follow_ups(statement))

        self._run_cron("2026-12-31")
        self.assertEqual(self._sent_steps(statement)[-1], ("2026-12-31", 7))
        follow_up = self._follow_ups(statement)
        self.assertRecordValues(follow_up, [{"user_id": self.salesperson.id, "date_deadline": self.d("2026-12-31")}])
        self.assertIn("1,000.00", str(follow_up.note))
        self.assertEqual(
            self._deliver(),
            {
                "wang@example.com": [
                    reminder.message_id.subject for reminder in statement.reminder_ids.sorted("date")[1:]
                ]
            },
            "the due-date and overdue reminders: the first one went out already",
        )

        self._run_cron("2027-01-23")
        self.assertEqual(self._sent_steps(statement)[-1], ("2027-01-23", 30))
        self.assertEqual(self._follow_ups(statement), follow_up, "one follow-up, brought forward")
        self.assertEqual(follow_up.date_deadline, self.d("2027-01-23"))

        for day in ("2027-01-24", "2027-02-23", "2027-03-31"):
            self._run_cron(day)
        self.assertEqual(len(statement.reminder_ids), 4, "the schedule is over")

    def test_no_reminder_after_payment(self):
        statement = self._sent_statement()
        self._run_cron("2026-12-17")
        self._pay(self.invoice, "2026-12-20", 1000)
        for day in ("2026-12-24", "2026-12-31", "2027-01-23"):
            self._run_cron(day)
        self.assertEqual(self._sent_steps(statement), [("2026-12-17", -7)])
        self.assertEqual(statement.amount_open_now, 0.0)

    def test_partial_payment_reminds_what_is_left(self):
        statement = self._sent_statement()
        self._pay(self.invoice, "2026-12-20", 600)
        self._run_cron("2026-12-24")
        self.assertEqual(statement.reminder_ids.open_amount, 400.0)
        self.assertIn("400.00", statement.reminder_ids.message_id.body)

    def test_payment_closes_the_follow_up(self):
        statement = self._sent_statement()
        self._run_cron("2026-12-31")
        self.assertTrue(self._follow_ups(statement))
        self._pay(self.invoice, "2027-01-04", 1000)
        self._run_cron("2027-01-05")
        self.assertFalse(self._follow_ups(statement), "paid: the salesperson has nothing left to chase")

    def test_missed_days_send_only_the_latest_step(self):
        statement = self._sent_statement()
        self._run_cron("2027-01-05")
        self.assertEqual(self._sent_steps(statement), [("2027-01-05", 7)], "not the three missed steps at once")
        self.assertEqual(statement.reminder_ids.days, 12)
        self._run_cron("2027-01-06")
        self.assertEqual(len(statement.reminder_ids), 1)
        self._run_cron("2027-01-23")
        self.assertEqual(self._sent_steps(statement)[-1], ("2027-01-23", 30))

    def test_only_statements_the_customer_has(self):
        """Drafts, approved statements not sent yet and cancelled ones get no reminder."""
        other = self._create_monthly_customer("南方电子有限公司", cutoff_day=25, payment_days=60)
        self._invoice(other, "2026-10-12", 500)
        approved = self._generate(other, self.d("2026-11-24"))
        approved.action_submit()
        approved.with_user(self.reviewer).action_approve()
        cancelled = self._sent_statement()
        cancelled.action_cancel()
        self._run_cron("2026-12-24")
        self.assertFalse((approved | cancelled).reminder_ids)

    def test_customer_without_contacts_gets_the_reminder(self):
        self.customer_25.settlement_contact_ids = False
        statement = self._sent_statement()
        self._run_cron("2026-12-24")
        self.assertEqual(statement.reminder_ids.recipient_ids, self.customer_25)

    def test_archived_step_is_skipped_and_used_step_kept(self):
        statement = self._sent_statement()
        self._run_cron("2026-12-24")
        step_0 = statement.reminder_ids.step_id
        with self.assertRaisesRegex(UserError, "archive"):
            step_0.unlink()
        step_7 = self.env["monthly.settlement.reminder.step"].search(
            [("company_id", "=", self.env.company.id), ("days", "=", 7)]
        )
        step_7.active = False
        self._run_cron("2026-12-31")
        self.assertEqual(len(statement.reminder_ids), 1, "the latest active step (due date) was already sent")

    def test_open_amount_counts_credit_notes_and_unmatched_payments(self):
        """The month-end customer's October: invoice 1000, credit note 200, payment 300 not matched."""
        customer = self.customer_month_end
        self._invoice(customer, "2026-10-05", 1000)
        self._refund(customer, "2026-10-20", 200)
        self._payment(customer, "2026-10-28", 300)
        self.env.flush_all()  # the engine's own flush before its SQL is on main (demo fix)
        statement = self._generate(customer, self.d("2026-11-01"))
        self.assertEqual(statement.line_ids.mapped("amount"), [0, 1000, -200, -300])
        self.assertEqual(statement._get_open_amounts(), {statement.id: 1000 - 200 - 300})

        self._invoice(customer, "2026-11-10", 1000)  # next period: not on this statement
        self.assertEqual(statement._get_open_amounts()[statement.id], 500)

        self._payment(customer, "2026-11-20", 900)  # the customer owes 1400 - 900 = 500: still all of it
        self.assertEqual(statement._get_open_amounts()[statement.id], 500)
        self._payment(customer, "2026-11-21", 200)  # owes 400 in all: not matched, it still pays
        self.assertEqual(statement._get_open_amounts()[statement.id], 400)
        self._payment(customer, "2026-11-22", 500)
        self.assertEqual(statement._get_open_amounts()[statement.id], -100, "the customer paid more than it owed")

    def test_reminder_in_each_customer_language(self):
        """A Chinese customer gets the Chinese wording and dates (2026/12/24), an English one
        the English wording, each at their statement contacts' addresses."""
        template = self.env.ref("monthly_settlement.mail_template_reminder_due_today")
        template.update_field_translations(
            "subject", {"zh_CN": "{{ object.company_id.name }}：对账单 {{ object.display_name }} 今日到期"}
        )
        chinese = self._create_monthly_customer(
            "南方电子有限公司", cutoff_day=25, payment_days=60, settlement_lang="zh_CN"
        )
        chinese_contact = self.env["res.partner"].create(
            {"name": "李出纳", "email": "li@nanfang.example.com", "parent_id": chinese.id}
        )
        chinese.settlement_contact_ids = chinese_contact
        self._invoice(chinese, "2026-10-12", 500)
        english, chinese = self._sent_statement(), self._sent_statement(chinese)
        self._run_cron("2026-12-24")
        self.assertIn("2026/12/24", chinese.reminder_ids.message_id.body)
        self.assertIn("falls due today", english.reminder_ids.message_id.body)
        self.assertEqual(
            self._deliver(),
            {
                "wang@example.com": [f"{self.env.company.name}: statement {english.name} is due today"],
                "li@nanfang.example.com": [f"{self.env.company.name}：对账单 {chinese.name} 今日到期"],
            },
        )

    def test_late_reminder_says_only_what_is_true(self):
        """The statement falls due on 2026-12-24. A job that first runs on 2026-12-27 does not say
        it "falls due today": nothing goes out until the overdue step applies, on 2026-12-31."""
        statement = self._sent_statement()
        self.assertEqual(statement.date_due, self.d("2026-12-24"))
        self._run_cron("2026-12-27")
        self.assertFalse(statement.reminder_ids, "neither 'falls due soon' nor 'due today' is true any more")
        self._run_cron("2026-12-31")
        self.assertEqual(self._sent_steps(statement), [("2026-12-31", 7)])
        self.assertIn("overdue", statement.reminder_ids.message_id.subject.lower())

    def test_disputed_statement_waits_for_its_answer(self):
        statement = self._sent_statement()
        self._run_cron("2026-12-17")
        with freeze_time("2026-12-20 10:00:00"):
            statement.with_user(self.reviewer)._record_dispute({}, "电话告知：单价有误", channel="phone")
        self._run_cron("2026-12-24")
        self._run_cron("2026-12-31")
        self.assertEqual(self._sent_steps(statement), [("2026-12-17", -7)], "no payment asked during the dispute")
        statement.with_user(self.reviewer)._record_confirmation("周丽", channel="phone")
        self._run_cron("2027-01-02")
        self.assertEqual(self._sent_steps(statement)[-1], ("2027-01-02", 7), "the latest missed step, once")
        self.assertTrue(self._follow_ups(statement))

    def test_new_revision_does_not_repeat_reminders(self):
        """The revised statement replaces the one reminded: no reminder on the old one any
        more, and the steps it got are not sent again on the new one."""
        old = self._sent_statement()
        self._run_cron("2026-12-31")
        self.assertTrue(self._follow_ups(old))
        with freeze_time("2027-01-02 10:00:00"):
            self._refund(self.customer_25, "2026-10-20", 100)  # what the new revision corrects
            new = old.with_user(self.reviewer).action_new_revision()
            new = self.env["monthly.settlement.statement"].browse(new["res_id"])
            new.with_user(self.reviewer).action_submit()
            new.action_approve()  # four eyes: the manager approves what the reviewer prepared
            new._mark_sent(self.d("2027-01-02"))
        self.assertEqual(old.superseded_by_id, new)
        self._run_cron("2027-01-03")
        self.assertFalse(new.reminder_ids, "the overdue step went out for the first revision")
        self.assertFalse(self._follow_ups(old), "the follow-up of the replaced revision is closed")
        self._run_cron("2027-01-23")
        self.assertEqual(self._sent_steps(new), [("2027-01-23", 30)])
        self.assertEqual(self._sent_steps(old), [("2026-12-31", 7)])
