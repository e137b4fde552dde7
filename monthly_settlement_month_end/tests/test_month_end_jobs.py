from unittest.mock import patch

from odoo.tests import tagged
from odoo.tests.common import freeze_time

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon
from odoo.addons.monthly_settlement.tests.smtp_sink import deliver_to_local_smtp
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import MODULE, STATEMENT, MonthEndCase

WIZARD_MODULE = "odoo.addons.monthly_settlement_month_end.wizards.monthly_settlement_generate"
STATEMENT_MODULE = "odoo.addons.monthly_settlement_month_end.models.monthly_settlement_statement"


@tagged("post_install", "-at_install")
class TestMonthEndJobs(MonthlySettlementCommon, MonthEndCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls._create_settlement_user(
            "ms_month_end_accountant", "monthly_settlement.group_settlement_reviewer"
        )
        cls.due = cls.customer_25
        for index in range(4):
            cls.due |= cls._create_monthly_customer(f"月结客户 {index}", cutoff_day=25)
        cls.due.settlement_accountant_id = cls.accountant
        for index, customer in enumerate(cls.due):
            cls._invoice(customer, "2026-10-10", 100 * (index + 1))

    def _as_cron(self):
        """The statements as the scheduled actions see them (their user is OdooBot)."""
        return self.env[STATEMENT].with_user(self.env.ref("base.user_root"))

    def test_scheduled_generation_enqueues_a_job_per_batch(self):
        """The nightly action only enqueues: a job per batch of the customers due, in the
        generation channel, with an identity; the jobs make one statement per customer."""
        with (
            patch(f"{MODULE}.GENERATION_BATCH_SIZE", 2),
            trap_jobs() as trap,
            freeze_time("2026-11-26 01:00:00"),
        ):
            self._as_cron()._cron_generate_statements()
            self.assertFalse(self.env[STATEMENT].search([("partner_id", "in", self.due.ids)]), "nothing made yet")
            run = self._run("2026-11-25")
            self.assertEqual(run.customer_count, 5)
            trap.assert_jobs_count(3, only=run._job_generate)
            ids = sorted(self.due.ids)
            for batch in (ids[:2], ids[2:4], ids[4:]):
                trap.assert_enqueued_job(
                    run._job_generate,
                    args=(batch,),
                    properties={"channel": "root.monthly_settlement.generate", "identity_key": identity_exact},
                )
            trap.perform_enqueued_jobs()
            trap.assert_jobs_count(1, only=run._job_check_finished)  # once per run, whatever the jobs
            trap.perform_enqueued_jobs()
        statements = self.env[STATEMENT].search([("partner_id", "in", self.due.ids)])
        self.assertEqual(len(statements), 5)
        self.assertEqual(statements.partner_id, self.due)
        self.assertEqual(set(statements.mapped("period_end")), {self.d("2026-11-25")})
        run.invalidate_recordset()  # the counts are read from the database, not kept
        self.assertRecordValues(run, [{"generated_count": 5, "generated_progress": 100.0, "state": "done"}])
        finished = run.message_ids.filtered(lambda message: self.accountant.partner_id in message.partner_ids)
        self.assertEqual(len(finished), 1, "the accountant is told once the run is finished")

    def test_enqueued_twice_one_job_each_and_retried_jobs_double_nothing(self):
        """Two servers' scheduled actions enqueue the same work: one job per batch (identity key);
        a job performed again (retried, or taken by a second server) makes no second statement."""
        with freeze_time("2026-11-26 01:00:00"):
            self._as_cron()._cron_generate_statements()
            run = self._run("2026-11-25")
            jobs = self._jobs(run)
            self._as_cron()._cron_generate_statements()
            self.assertEqual(self._jobs(run), jobs, "the second enqueuing makes no job")
            self.assertEqual(len(jobs), 1)
            self.assertEqual(jobs.channel, "root.monthly_settlement.generate")
            self._perform(jobs)
            self._perform(jobs)  # performed again: the engine finds the statements made
        statements = self.env[STATEMENT].search([("partner_id", "in", self.due.ids)])
        self.assertEqual(len(statements), 5)
        self.assertEqual(statements.sudo().generate_job_id, jobs, "each statement records the job that made it")

    def test_send_job_emails_each_statement_once(self):
        """Sending by job: one email per statement revision, however often the job runs (a retry
        after a failure, a second server), over a real SMTP server."""
        self.customer_25.email = "ap@buyer.example.com"
        statement = self._approved(self.customer_25)
        self._as_cron()._cron_send_statements()
        run = self._run(statement.period_end)
        job = self._jobs(run, "_job_send")
        self.assertEqual(job.channel, "root.monthly_settlement.send")
        self.assertEqual(job.state, "pending")
        # First attempt: the statement is emailed, then the job fails before its end and is
        # rolled back (as queue_job does), to be retried.
        with self.assertRaises(RetryableJobError), self.env.cr.savepoint():
            with patch.object(type(run), "_after_job", side_effect=RetryableJobError("deadlock")):
                self._perform(job)
        self.env.invalidate_all(flush=False)
        self.assertFalse(statement.delivery_state, "the failed attempt left nothing")
        self._perform(job)
        self._perform(job)  # a second server performing it again
        self.assertEqual(statement.delivery_state, "queued")
        self.assertEqual(statement.sudo().send_job_id, job)
        with deliver_to_local_smtp(self.env) as inbox:
            self.env["mail.mail"].sudo().search(
                [("state", "=", "outgoing"), ("mail_message_id.model", "=", STATEMENT), ("res_id", "=", statement.id)]
            ).send()
        received = [mail["Subject"] for recipients, mail in inbox.messages if recipients == ["ap@buyer.example.com"]]
        self.assertEqual(len(received), 1, received)
        sendings = self.env["monthly.settlement.statement.sending"].sudo()
        self.assertEqual(sendings.search_count([("statement_id", "=", statement.id), ("channel", "=", "email")]), 1)
        self.assertRecordValues(statement, [{"state": "sent", "delivery_state": "sent"}])
        run.invalidate_recordset()
        self.assertRecordValues(run, [{"sent_count": 1, "delivered_count": 1, "failed_count": 0}])

    def test_mail_server_down_is_retried_later(self):
        """The mail server cannot be reached: the job is retried (with the job function's
        backoff) before anything is queued."""
        statement = self._approved(self.customer_25)
        self._as_cron()._cron_send_statements()
        run = self._run(statement.period_end)
        job = self._jobs(run, "_job_send")
        self.assertEqual(job.job_function_id.retry_pattern, {"1": 60, "3": 300, "5": 1800})
        IrMailServer = type(self.env["ir.mail_server"])
        with (
            patch.object(IrMailServer, "_connect__", side_effect=ConnectionRefusedError("refused")),
            self.assertRaisesRegex(RetryableJobError, "cannot be reached"),
        ):
            self._perform(job)

    def test_generate_wizard_for_many_customers_goes_through_the_jobs(self):
        """More customers than a job takes: the wizard enqueues the same generation jobs and says
        where to follow them."""
        wizard = self.env["monthly.settlement.generate"].create(
            {"all_partners": False, "partner_ids": [(6, 0, self.due.ids)], "date_to": "2026-11-25"}
        )
        with (
            patch(
                "odoo.addons.monthly_settlement_month_end.wizards.monthly_settlement_generate.GENERATION_BATCH_SIZE", 2
            ),
            patch(f"{MODULE}.GENERATION_BATCH_SIZE", 2),
            trap_jobs() as trap,
        ):
            wizard.action_generate()
            run = self._run("2026-11-25")
            self.assertEqual(wizard.sudo().month_end_ids, run)
            self.assertIn("Month-End Progress", wizard.result)
            trap.assert_jobs_count(3, only=run._job_generate)
            self.assertFalse(self.env[STATEMENT].search([("partner_id", "in", self.due.ids)]))
            trap.perform_enqueued_jobs()
        self.assertEqual(self.env[STATEMENT].search([("partner_id", "in", self.due.ids)]).partner_id, self.due)

    def test_send_dialog_for_many_statements_goes_through_the_jobs(self):
        self.due.email = "ap@buyer.example.com"
        statements = self.env[STATEMENT]
        for customer in self.due[:3]:
            statements |= self._approved(customer)
        with (
            patch(f"{STATEMENT_MODULE}.SEND_BATCH_SIZE", 2),
            trap_jobs() as trap,
        ):
            statements._send()
            run = self._run(statements[0].period_end)
            trap.assert_enqueued_job(
                run._job_send,
                args=(sorted(statements.ids),),
                kwargs={"by_hand": True},
                properties={"channel": "root.monthly_settlement.send"},
            )
            self.assertEqual(statements.mapped("delivery_state"), [False] * 3)
            trap.perform_enqueued_jobs()
        self.assertEqual(statements.mapped("delivery_state"), ["queued"] * 3)
        self.assertEqual(statements.send_uid, self.env.user)
