"""Two archiving runs at once, each in its own database transaction, as on a real server: the
daily job on two workers, or a manager's batch while the job runs. Every statement is archived
once, and the company's chain does not fork: positions 1, 2, 3... each taken once, each entry
linked to the one before.

The fixture is committed (other connections must see it) in the database's main company and
deleted at the end.
"""
# pylint: disable=invalid-commit

import hashlib
from datetime import date

from odoo import api
from odoo.tests import tagged

from .committed_fixture import CommittedFixtureCase

STATEMENT = "monthly.settlement.statement"
CUSTOMERS = 4


@tagged("post_install", "-at_install")
class TestConcurrentArchiving(CommittedFixtureCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tag = cls.tag
        with cls.registry.cursor() as cr:
            env = cls._main_company_env(cr)
            partners = cls._create_committed_customers(env, f"档案客户 {tag}", CUSTOMERS)
            statements, _left = env[STATEMENT]._generate_statements(partners, date(2026, 11, 30))
            for statement in statements:
                statement._transition({"state": "confirmed", "name": f"ST/ARC/{tag}/{statement.id}"})
            cls.company_id, cls.partner_ids, cls.statement_ids = env.company.id, partners.ids, statements.ids
        cls.addClassCleanup(cls._delete_fixture)

    @classmethod
    def _delete_fixture(cls):
        with cls.registry.cursor() as cr:
            cls._delete_entries(cr)
        cls._delete_fixture_of(cls.partner_ids, [])

    @classmethod
    def _delete_entries(cls, cr):
        """The archive entries are never deleted by the application: the fixture's go in SQL."""
        cr.execute(
            "UPDATE monthly_settlement_statement SET archive_entry_id = NULL, archive_number = NULL, "
            "archive_date = NULL, retention_until = NULL WHERE id = ANY(%s)",
            [cls.statement_ids],
        )
        cr.execute("DELETE FROM monthly_settlement_archive_entry WHERE statement_id = ANY(%s)", [cls.statement_ids])
        cr.execute(
            "DELETE FROM ir_attachment WHERE res_model = %s AND res_id = ANY(%s)", [STATEMENT, cls.statement_ids]
        )

    def tearDown(self):
        with self.registry.cursor() as cr:
            self._delete_entries(cr)
        super().tearDown()

    def _env(self, cr):
        return api.Environment(cr, api.SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})

    def assertArchivedOnceInOneChain(self):
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT statement_id, sequence, previous_hash, chain_hash, content_hash,
                          (SELECT string_agg(sha256, '' ORDER BY id) FROM monthly_settlement_archive_file
                            WHERE entry_id = entry.id)
                     FROM monthly_settlement_archive_entry entry
                    WHERE company_id = %s ORDER BY sequence""",
                [self.company_id],
            )
            rows = cr.fetchall()
        ours = [row for row in rows if row[0] in self.statement_ids]
        self.assertEqual(sorted(row[0] for row in ours), sorted(self.statement_ids), "each statement archived once")
        self.assertEqual([row[1] for row in rows], list(range(1, len(rows) + 1)), "no position taken twice")
        previous = "0" * 64
        for _statement_id, _sequence, previous_hash, chain_hash, content_hash, file_hashes in rows:
            self.assertEqual(previous_hash, previous, "each entry linked to the one before: no fork")
            expected = hashlib.sha256((previous_hash + content_hash + (file_hashes or "")).encode()).hexdigest()
            self.assertEqual(chain_hash, expected)
            previous = chain_hash

    def test_second_run_started_before_the_first_committed(self):
        """The second run's snapshot predates the first's commit: it sees the statements as not
        archived and the chain as the first found it; its entries meet the first's: nothing is
        archived twice, nothing forks, and no error stops the job."""
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            cr_second.execute("SELECT 1")  # the second transaction's snapshot is taken here
            self._env(cr_first)[STATEMENT]._cron_archive_statements()
            second = self._env(cr_second)[STATEMENT].browse(self.statement_ids)
            archived, left = second._archive()
            self.assertEqual((len(archived), len(left)), (0, CUSTOMERS), "all left to the first run")
            cr_second.commit()
        self.assertArchivedOnceInOneChain()

    def test_two_runs_at_once(self):
        """A manager archives while the daily job holds the company's lock: the manager's run
        leaves the statements to the job, which commits them; a later run has nothing to do."""
        with self.registry.cursor() as cr_job, self.registry.cursor() as cr_manager:
            job = self._env(cr_job)[STATEMENT].browse(self.statement_ids)
            archived, left = job._archive()  # under way: lock held, not committed
            self.assertEqual((len(archived), len(left)), (CUSTOMERS, 0))
            manager = self._env(cr_manager)[STATEMENT].browse(self.statement_ids)
            archived, left = manager._archive()
            self.assertEqual((len(archived), len(left)), (0, CUSTOMERS))
            cr_manager.rollback()
            cr_job.commit()
            manager = self._env(cr_manager)[STATEMENT].browse(self.statement_ids)
            manager.invalidate_recordset()
            self.assertEqual(manager._archive(), (manager.browse(), manager.browse()), "already archived")
            cr_manager.commit()
        self.assertArchivedOnceInOneChain()
