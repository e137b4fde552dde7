from psycopg2.errors import UniqueViolation

from odoo import api
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tests.common import freeze_time
from odoo.tools import format_date, mute_logger

from .common import MonthlySettlementCommon
from .queued_jobs import perform_queued_jobs


@tagged("post_install", "-at_install")
class TestGeneration(MonthlySettlementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"]
        for index in range(6):
            customer = cls._create_monthly_customer(f"批量客户 {index}", cutoff_day=25)
            cls._invoice(customer, "2026-10-10", 100 * (index + 1))
            cls.customers |= customer

    def _statements_of(self, partners):
        return self.env["monthly.settlement.statement"].search([("partner_id", "in", partners.ids)])

    def test_idempotent(self):
        first = self._generate(self.customers, self.d("2026-11-24"))
        self.assertEqual(len(first), 6)
        again = self._generate(self.customers, self.d("2026-11-24"))
        self.assertFalse(again)
        self.assertEqual(len(self._statements_of(self.customers)), 6)
        self.assertEqual(sorted(first.mapped("closing_balance")), [100, 200, 300, 400, 500, 600])

    def test_duplicate_is_refused_by_the_database(self):
        statement = self._generate(self.customers[:1], self.d("2026-11-24"))
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"), self.cr.savepoint():
            statement.sudo().copy({"name": "/"})
            self.env.flush_all()

    def _count_generation_queries(self, partners):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        statements = self._generate(partners, self.d("2026-11-24"))
        self.env.flush_all()
        self.assertEqual(len(statements), len(partners))
        return self.cr.sql_log_count - before

    def test_fixed_number_of_queries_per_batch(self):
        """Twice the customers, three times the invoices: the same number of queries."""
        for customer in self.customers[3:]:
            self._invoice(customer, "2026-10-12", 10)
            self._invoice(customer, "2026-10-13", 20)
        self._count_generation_queries(self.customers[0])  # warms the ORM's caches
        self.assertEqual(
            self._count_generation_queries(self.customers[1:3]),
            self._count_generation_queries(self.customers[3:]),
        )

    def _count_committing_queries(self, partners):
        """Queries of the nightly path, which commits every batch (and so empties the ORM's
        cache): a cursor of its own, committed as the cron commits."""
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = api.Environment(cr, self.env.uid, self.env.context)
            before = cr.sql_log_count
            statements, left = env["monthly.settlement.statement"]._generate_statements(
                partners.with_env(env), self.d("2026-11-24"), commit=True
            )
            self.assertEqual((len(statements), len(left)), (len(partners), 0))
            return cr.sql_log_count - before

    def test_fixed_number_of_queries_when_committing(self):
        """The committing path too: three customers cost what two cost, not a query more each."""
        self._count_committing_queries(self.customers[0])  # warms the ORM's caches
        self.assertEqual(
            self._count_committing_queries(self.customers[1:3]),
            self._count_committing_queries(self.customers[3:]),
        )

    def test_partners_held_by_another_run_are_left_for_later(self):
        """A second connection holds two partners' advisory locks, as another worker would."""
        held = self.customers[:2]
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s), id) FROM unnest(%s::int[]) id",
                ["monthly_settlement.statement", held.ids],
            )
            statements, left = self.env["monthly.settlement.statement"]._generate_statements(
                self.customers, self.d("2026-11-24"), batch_size=4
            )
            self.assertEqual(left, held)
            self.assertEqual(statements.partner_id, self.customers - held)
        finally:
            other.rollback()
            other.close()
        resumed = self._generate(self.customers, self.d("2026-11-24"))
        self.assertEqual(resumed.partner_id, held)
        self.assertEqual(len(self._statements_of(self.customers)), 6)

    def test_scheduled_action_generates_yesterdays_cutoff(self):
        cron = self.env.ref("monthly_settlement.ir_cron_generate_statements")
        month_end = self._create_monthly_customer("月底客户", cutoff_month_end=True)
        self._invoice(month_end, "2026-11-03", 50)
        with self.enter_registry_test_mode(), freeze_time("2026-11-26 02:00:00"):
            cron.method_direct_trigger()
            perform_queued_jobs(self.env)
        statements = self._statements_of(self.customers | month_end)
        self.assertEqual(statements.partner_id, self.customers, "cut-off 25th was yesterday; month end was not")
        self.assertEqual(set(statements.mapped("period_end")), {self.d("2026-11-25")})

    def test_scheduled_action_catches_up_and_resumes(self):
        cron = self.env.ref("monthly_settlement.ir_cron_generate_statements")
        self._generate(self.customers[:3], self.d("2026-11-25"))  # a run that stopped after half
        with self.enter_registry_test_mode(), freeze_time("2026-11-29 02:00:00"):
            cron.method_direct_trigger()
            perform_queued_jobs(self.env)
        statements = self._statements_of(self.customers)
        self.assertEqual(len(statements), 6, "the missed days are caught up, nothing is generated twice")
        with self.enter_registry_test_mode(), freeze_time("2026-12-05 02:00:00"):
            cron.method_direct_trigger()
            perform_queued_jobs(self.env)
        self.assertEqual(len(self._statements_of(self.customers)), 6, "2026-11-25 is older than the look-back")

    def _wizard(self, partners, date_to="2026-11-24"):
        wizard = self.env["monthly.settlement.generate"].create(
            {"all_partners": False, "partner_ids": [(6, 0, partners.ids)], "date_to": date_to}
        )
        wizard.action_generate()
        return wizard

    def test_wizard_says_what_happened_to_each_customer(self):
        quiet = self._create_monthly_customer("无业务客户", cutoff_day=25)  # no document at all
        first = self._wizard(self.customers[:2] | quiet)
        self.assertEqual(first.statement_ids.partner_id, self.customers[:2])
        self.assertIn("Statements made: 2", first.result)
        self.assertIn("Nothing to state: no balance and no posted document in the period: 1", first.result)
        period = f"{format_date(self.env, self.d('2026-09-26'))} – {format_date(self.env, self.d('2026-10-25'))}"
        self.assertIn(f"无业务客户 ({period})", first.result)
        self.assertEqual(
            self.env["monthly.settlement.statement"].browse(first.action_open_statements()["domain"][0][2]),
            first.statement_ids,
        )
        first.statement_ids[:1].action_cancel()
        again = self._wizard(self.customers[:3])
        self.assertEqual(again.statement_ids.partner_id, self.customers[2])
        self.assertIn("Already had a statement for the period (a cancelled one can be reopened): 2", again.result)
        cancelled = first.statement_ids[:1]
        self.assertIn(f'href="/odoo/monthly.settlement.statement/{cancelled.id}"', again.result)
        self.assertIn("(cancelled)", again.result)

    def test_scheduled_action_on_any_day(self):
        """Each night the statements of the periods that closed the day before: around a cut-off,
        at month and year ends, on a leap day."""
        cron = self.env.ref("monthly_settlement.ir_cron_generate_statements")
        cutoff_25 = self._create_monthly_customer("二十五日客户", cutoff_day=25)
        month_end = self._create_monthly_customer("月末客户", cutoff_month_end=True)
        quarterly = self._create_monthly_customer("季度客户", cutoff_month_end=True, settlement_cycle="quarterly")
        for customer in cutoff_25 | month_end | quarterly:
            for day in ("2026-12-20", "2027-02-15", "2028-02-10", "2028-02-29"):
                self._invoice(customer, day, 100)
        expected = {  # night of -> {customer: statement date}
            "2026-12-25": {},
            "2026-12-26": {cutoff_25: "2026-12-25"},
            "2027-01-01": {month_end: "2026-12-31", quarterly: "2026-12-31"},
            "2027-03-01": {month_end: "2027-02-28", cutoff_25: "2027-02-25"},  # a missed night is caught up
            "2028-02-29": {cutoff_25: "2028-02-25"},  # February is not over yet
            "2028-03-01": {month_end: "2028-02-29"},
        }
        Statement = self.env["monthly.settlement.statement"]
        for night, statement_dates in expected.items():
            with self.subTest(night=night):
                before = Statement.search([("partner_id", "in", (cutoff_25 | month_end | quarterly).ids)])
                with self.enter_registry_test_mode(), freeze_time(f"{night} 01:00:00"):
                    cron.method_direct_trigger()
                    perform_queued_jobs(self.env)
                made = Statement.search([("partner_id", "in", (cutoff_25 | month_end | quarterly).ids)]) - before
                self.assertEqual(
                    {statement.partner_id: str(statement.period_end) for statement in made}, statement_dates
                )
