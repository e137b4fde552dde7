"""Two jobs for the same chunk of statements performed at the same moment, each in its own database
transaction as on two servers: each statement is emailed once, and neither job hits a database
error (the second leaves the rows the first holds: SKIP LOCKED). Two checks of the same run at
once: one finishes it, the other is tried again later, neither gets a database error.

The fixture is committed (the other connection must see it) and deleted at the end.
"""
# pylint: disable=invalid-commit

from datetime import date

from odoo import api
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.committed_fixture import CommittedFixtureCase
from odoo.addons.monthly_settlement.tests.queued_jobs import delete_month_end_runs
from odoo.addons.queue_job.exception import RetryableJobError

from .common import RUN, STATEMENT

CUSTOMERS = 3


@tagged("post_install", "-at_install")
class TestMonthEndConcurrent(CommittedFixtureCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = cls._main_company_env(cr)
            partners = cls._create_committed_customers(
                env, f"月结并发客户 {cls.tag}", CUSTOMERS, settlement_delivery_portal=False
            )
            for partner in partners:
                partner.email = f"ap-{partner.id}-{cls.tag}@buyer.example.com"
            reviewer = env["res.users"].create(
                cls._settlement_user_values(
                    env,
                    f"月结并发审核 {cls.tag}",
                    f"ms_month_end_{cls.tag}",
                    "monthly_settlement.group_settlement_reviewer",
                )
            )
            statements = env[STATEMENT]._generate_statements(partners, date(2026, 11, 30))[0]
            statements.action_submit()
            statements.with_user(reviewer).action_approve()
            run = env[RUN]._get_run(env.company, statements[0].period_end)
            cls.company_id, cls.partner_ids, cls.statement_ids = env.company.id, partners.ids, statements.ids
            cls.reviewer_id, cls.run_id = reviewer.id, run.id
        cls.addClassCleanup(cls._delete_fixture_of, cls.partner_ids, [cls.reviewer_id])
        cls.addClassCleanup(cls._delete_run)

    @classmethod
    def _delete_run(cls):
        with cls.registry.cursor() as cr:
            delete_month_end_runs(cr, cls.company_id)

    def _run(self, cr):
        return api.Environment(cr, api.SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})[RUN].browse(
            self.run_id
        )

    def _count(self, query):
        with self.registry.cursor() as cr:
            cr.execute(query, [self.statement_ids])
            return cr.fetchone()[0]

    def test_two_jobs_send_the_same_chunk_at_once(self):
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            first = self._run(cr_first)._job_send(self.statement_ids)
            second = self._run(cr_second)._job_send(self.statement_ids)  # while the first holds the rows
            cr_first.commit()
            cr_second.commit()
        self.assertEqual((first, second), (f"{CUSTOMERS} statements emailed", "0 statements emailed"))
        self.assertEqual(
            self._count(
                "SELECT COUNT(*) FROM monthly_settlement_statement_sending WHERE statement_id = ANY(%s) "
                "AND channel = 'email'"
            ),
            CUSTOMERS,
            "one email sending per statement",
        )
        self.assertEqual(
            self._count(
                "SELECT COUNT(*) FROM mail_message WHERE model = 'monthly.settlement.statement' AND res_id = ANY(%s) "
                "AND message_type = 'comment'"
            ),
            CUSTOMERS,
            "one statement email each",
        )
        self.assertEqual(
            self._count(
                "SELECT COUNT(*) FROM monthly_settlement_statement WHERE id = ANY(%s) AND delivery_state IS NOT NULL"
            ),
            CUSTOMERS,
        )

    def _finished_messages(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM mail_message WHERE model = %s AND res_id = %s AND body::text LIKE %s",
                [RUN, self.run_id, "%Month-end run finished%"],
            )
            return cr.fetchone()[0]

    def test_two_checks_of_the_run_at_once(self):
        """A check holds the run while another starts (the second is put off), then a check that
        began before the first committed (its snapshot is older: put off too, not a database error)."""
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second, self.registry.cursor() as cr_late:
            self.assertEqual(self._run(cr_late).state, "running")  # the late check's snapshot, taken now
            self.assertTrue(self._run(cr_first)._job_check_finished())
            with self.assertRaises(RetryableJobError):
                self._run(cr_second)._job_check_finished()  # while the first holds the run
            cr_first.commit()
            with self.assertRaises(RetryableJobError):
                self._run(cr_late)._job_check_finished()  # the first's update came after its snapshot
        with self.registry.cursor() as cr:
            self.assertEqual(self._run(cr).state, "done")
            self.assertFalse(self._run(cr)._job_check_finished(), "a finished run is not finished again")
        self.assertEqual(self._finished_messages(), 1, "the accountants are told once")
