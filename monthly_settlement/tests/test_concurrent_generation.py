"""Two generation runs at once, each in its own database transaction, as on a real server:
the nightly job on two workers, or a user's wizard while the job runs.

Odoo's transactions are REPEATABLE READ: a run whose snapshot was taken before the other
committed does not see the other's statements. Both runs must finish without a database
error, every customer gets exactly one statement, and each run says what it made and what
it left to the other.

The fixture is committed (other connections must see it) in the database's main company and
deleted at the end. Committing is the point here, as in the scheduled actions.
"""
# pylint: disable=invalid-commit

from datetime import date

from odoo import Command, api
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .committed_fixture import CommittedFixtureCase
from .queued_jobs import delete_month_end_runs, perform_queued_jobs

STATEMENT = "monthly.settlement.statement"
CUSTOMERS = 8


@tagged("post_install", "-at_install")
class TestConcurrentGeneration(CommittedFixtureCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = cls._main_company_env(cr)
            partners = cls._create_committed_customers(env, f"并发客户 {cls.tag}", CUSTOMERS)
            user = env["res.users"].create(
                cls._settlement_user_values(
                    env, f"并发销售 {cls.tag}", f"ms_concurrent_{cls.tag}", "monthly_settlement.group_settlement_user"
                )
            )
            cls.company_id, cls.partner_ids, cls.user_id = env.company.id, partners.ids, user.id
        cls.addClassCleanup(cls._delete_fixture_of, cls.partner_ids, [cls.user_id])

    def tearDown(self):
        with self.registry.cursor() as cr:
            self._delete_statements_of(cr, self.partner_ids)
            delete_month_end_runs(cr, self.company_id)
        super().tearDown()

    def _env(self, cr, uid=api.SUPERUSER_ID):
        return api.Environment(cr, uid, {"allowed_company_ids": [self.company_id]})

    def _generate(self, env, partners=None, **kwargs):
        partners = env["res.partner"].browse(partners or self.partner_ids)
        return env[STATEMENT]._generate_statements(partners, date(2026, 11, 30), **kwargs)

    def _statement_count(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT partner_id, COUNT(*) FROM monthly_settlement_statement WHERE partner_id = ANY(%s) GROUP BY 1",
                [self.partner_ids],
            )
            return dict(cr.fetchall())

    def assertOneStatementEach(self):
        self.assertEqual(self._statement_count(), dict.fromkeys(self.partner_ids, 1))

    def test_second_run_started_before_the_first_committed(self):
        """The second run's snapshot predates the first run's commit: it cannot see the first
        run's statements, yet takes the claim the first has released. Its inserts meet the
        first run's rows: these customers are done, not an error."""
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            cr_second.execute("SELECT 1")  # the second transaction's snapshot is taken here
            created, left = self._generate(self._env(cr_first), commit=True)
            self.assertEqual((len(created), len(left)), (CUSTOMERS, 0))
            created, left = self._generate(self._env(cr_second), commit=True)
            self.assertEqual((len(created), len(left)), (0, CUSTOMERS), "nothing made twice; all left to the first run")
        self.assertOneStatementEach()

    def test_two_nightly_jobs_share_the_customers(self):
        """Two workers run the nightly job at once, in batches: each takes the customers the
        other has not claimed, and neither errors on what the other committed meanwhile."""
        half = self.partner_ids[: CUSTOMERS // 2]
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            cr_second.execute("SELECT 1")
            first, second = self._env(cr_first), self._env(cr_second)
            # The first worker's first batch is under way (claimed, not committed).
            made_first, left_first = self._generate(first, partners=half)
            # The second worker runs all customers: half are held by the first.
            made_second, left_second = self._generate(second, batch_size=3, commit=True)
            cr_first.commit()
            # The first worker's next batch: the second's half is done, its own half too.
            more_first, more_left = self._generate(first, commit=True)
        self.assertEqual((len(made_first), len(left_first)), (CUSTOMERS // 2, 0))
        self.assertEqual((len(made_second), len(left_second)), (CUSTOMERS // 2, CUSTOMERS // 2))
        self.assertEqual((len(more_first), len(more_left)), (0, 0), "everything is done, nothing is left to anybody")
        self.assertOneStatementEach()

    def test_nightly_job_and_wizard_at_once(self):
        """A user clicks Generate while the nightly job runs: both finish, and the wizard says
        how many customers the job handled."""
        with self.registry.cursor() as cr_job, self.registry.cursor() as cr_user:
            cr_user.execute("SELECT 1")  # the user's request started before the job committed
            with freeze_time("2026-11-26 01:00:00"):
                # The scheduled action enqueues the month-end jobs; this worker performs them.
                self._env(cr_job)[STATEMENT]._cron_generate_statements()
                perform_queued_jobs(self._env(cr_job))
            made_by_job = self._env(cr_job)[STATEMENT].search_count([("partner_id", "in", self.partner_ids)])
            self.assertEqual(made_by_job, CUSTOMERS)
            user_env = self._env(cr_user, self.user_id)
            wizard = user_env["monthly.settlement.generate"].create(
                {"all_partners": False, "partner_ids": [Command.set(self.partner_ids)], "date_to": "2026-11-30"}
            )
            with freeze_time("2026-12-02 10:00:00"):
                wizard.action_generate()
            made, result = len(wizard.statement_ids), wizard.result
            cr_user.commit()
        self.assertEqual(made, 0)
        self.assertIn(
            f"another run right now (the nightly job or a colleague): try again in a moment: {CUSTOMERS}", result
        )
        self.assertOneStatementEach()

    def test_two_users_generate_at_once(self):
        """Two users click Generate within a second: the later one reports the other's work."""
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            cr_second.execute("SELECT 1")
            results = []
            for cr in (cr_first, cr_second):
                env = self._env(cr, self.user_id)
                wizard = env["monthly.settlement.generate"].create(
                    {"all_partners": False, "partner_ids": [Command.set(self.partner_ids)], "date_to": "2026-11-30"}
                )
                with freeze_time("2026-12-02 10:00:00"):
                    wizard.action_generate()
                results.append((len(wizard.statement_ids), wizard.result))
                cr.commit()
        (made_first, result_first), (made_second, result_second) = results
        self.assertEqual(made_first, CUSTOMERS)
        self.assertIn(f"Statements made: {CUSTOMERS}", result_first)
        self.assertEqual(made_second, 0)
        self.assertIn(f"try again in a moment: {CUSTOMERS}", result_second, "the later one reports the other's work")
        self.assertOneStatementEach()
