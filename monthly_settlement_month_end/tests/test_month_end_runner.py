"""The real job runner: a second Odoo server (threaded, queue_job loaded server-wide, as
setup/run.sh serves the demo) on the test database performs a month-end run enqueued here; and a
server killed (kill -9) in the middle of the PDFs leaves a run that a new server finishes, with
nothing lost or doubled.

The fixture is committed (the server must see it) and deleted at the end.
"""
# pylint: disable=invalid-commit

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from unittest.mock import patch

from aiosmtpd.controller import Controller

import odoo
from odoo import api
from odoo.tests import get_db_name, tagged
from odoo.tools import SQL, config

from odoo.addons.monthly_settlement.tests.committed_fixture import CommittedFixtureCase
from odoo.addons.monthly_settlement.tests.queued_jobs import delete_month_end_runs
from odoo.addons.monthly_settlement.tests.smtp_sink import Inbox

from .common import MODULE, RUN, STATEMENT, MonthEndCase

CUSTOMERS = 4
# The server loads the registry, then the runner waits 5 s before its first look (START_DELAY).
TIMEOUT = 180
# The kill test: customers, their documents of the period, statements per render job.
KILLED_CUSTOMERS = 8
DOCUMENTS = 3
PDF_CHUNK = 2
# queue_job's runner requeues a started job whose lock is free once it was enqueued 10 s ago
# (`_query_requeue_dead_jobs`), first when it starts (START_DELAY = 5 s after the server):
# a new server started once the killed job is this old requeues it at its first look.
REQUEUE_AGE = 6


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wkhtmltopdf_of(server):
    """The wkhtmltopdf processes ``server`` runs (in its process group)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm", encoding="utf-8") as comm:
                if comm.read().strip() == "wkhtmltopdf" and os.getpgid(int(entry)) == server.pid:
                    found.append(int(entry))
        except OSError:  # gone meanwhile
            continue
    return found


@tagged("post_install", "-at_install")
class TestMonthEndJobRunner(CommittedFixtureCase, MonthEndCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._pause_own_job_runner()
        with cls.registry.cursor() as cr:
            env = cls._main_company_env(cr)
            partners = cls._create_committed_customers(env, f"月结运行器客户 {cls.tag}", CUSTOMERS)
            cls.company_id, cls.partner_ids = env.company.id, partners.ids
        cls.addClassCleanup(cls._delete_fixture_of, cls.partner_ids, [])

    @classmethod
    def _pause_own_job_runner(cls):
        """The servers started here must be the ones running the jobs. But pytest-odoo's HTTP
        server (--odoo-http) is a threaded Odoo server too, so queue_job starts its job runner in
        the test process as well, unless its root channel has no capacity (setup/test.sh runs
        pytest so): it would take the database's runner lock and perform the committed jobs
        itself, where Odoo sends no email (test mode). When pytest is run directly, it is stopped
        for these tests and started again after them."""
        from odoo.addons.queue_job import jobrunner  # noqa: PLC0415 (its module state, read now)

        thread = jobrunner.runner_thread
        if not thread:
            return
        thread.stop()
        thread.join(timeout=30)
        jobrunner.runner_thread = None
        cls.addClassCleanup(jobrunner._start_runner_thread, "threaded server")

    def _db(self, query, params=()):
        with self.registry.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def _delete_runs(self):
        with self.registry.cursor() as cr:
            delete_month_end_runs(cr, self.company_id)

    def _start_server(self):
        """odoo-bin as the demo runs it, on a free port, with the runner on (two jobs at a time),
        in its own process group (killed with its wkhtmltopdf children, see `_kill_server`)."""
        odoo_bin = next(
            path
            for path in (os.path.join(os.path.dirname(package), "odoo-bin") for package in odoo.__path__)
            if os.path.isfile(path)
        )
        port = _free_port()
        addons_path = config["addons_path"]
        command = [
            sys.executable,
            odoo_bin,
            f"--addons-path={addons_path if isinstance(addons_path, str) else ','.join(addons_path)}",
            f"--data-dir={config['data_dir']}",
            "--http-interface=127.0.0.1",
            "-d",
            get_db_name(),
            f"--db-filter=^{get_db_name()}$",
            "--http-port",
            str(port),
            "--gevent-port",
            str(_free_port()),
            "--max-cron-threads=0",
            "--load=base,web,queue_job",
            "--log-level=warn",
        ]
        environment = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS="root:2", ODOO_QUEUE_JOB_PORT=str(port))
        log = tempfile.TemporaryFile(mode="w+")  # read back when a test fails (see `_server_logs`)
        self.addCleanup(log.close)
        server = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
        )
        server.log = log
        self.addCleanup(self._stop_server, server)
        return server

    @staticmethod
    def _stop_server(server):
        if server.poll() is not None:
            return
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    @staticmethod
    def _kill_server(server):
        """kill -9 of the server and everything it started (its wkhtmltopdf runs)."""
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()

    @staticmethod
    def _server_logs(*servers):
        """What the servers logged (warnings and errors), for the message of a failed assertion."""
        logs = []
        for index, server in enumerate(servers, 1):
            server.log.seek(0)
            logs.append(f"--- server {index} ---\n{server.log.read()[-5000:]}")
        return "\n".join(logs)

    def test_jobs_run_by_the_job_runner(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
            partners = env["res.partner"].browse(self.partner_ids)
            periods = env["monthly.settlement.engine"]._jobs(partners, date(2026, 11, 30))
            runs = env[RUN]._plan_generation(env.company, "account", periods)
            cr.flush()
            cr.execute("SELECT id FROM queue_job WHERE month_end_id = ANY(%s) AND state = 'pending'", [runs.ids])
            run_ids, job_ids = runs.ids, [job_id for (job_id,) in cr.fetchall()]
        self.addCleanup(self._delete_runs)
        self.assertEqual(len(run_ids), 1)
        self.assertEqual(len(job_ids), 1)
        server = self._start_server()
        deadline = time.monotonic() + TIMEOUT
        run_state = None
        while time.monotonic() < deadline and server.poll() is None:
            [(run_state,)] = self._db("SELECT state FROM monthly_settlement_month_end WHERE id = %s", run_ids)
            if run_state != "running":
                break
            time.sleep(1)
        self.assertIsNone(server.poll(), "the server is still up")
        self.assertEqual(run_state, "done", "the run was finished by the jobs the job runner ran")
        self.assertEqual(self._db("SELECT state FROM queue_job WHERE id = ANY(%s)", [job_ids]), [("done",)])
        self.assertEqual(
            self._db("SELECT DISTINCT worker_pid FROM queue_job WHERE month_end_id = ANY(%s)", [run_ids]),
            [(server.pid,)],
            "the server's runner ran them all",
        )
        made = self._db(
            f"SELECT partner_id, COUNT(*) FROM {STATEMENT.replace('.', '_')} WHERE partner_id = ANY(%s) GROUP BY 1",
            [self.partner_ids],
        )
        self.assertEqual(sorted(made), sorted((partner_id, 1) for partner_id in self.partner_ids))

    # ------------------------------------------------------------------
    # kill -9 in the middle of the PDFs
    # ------------------------------------------------------------------

    def _env(self, cr):
        return api.Environment(cr, api.SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})

    def _approved_run(self):
        """Committed: KILLED_CUSTOMERS customers (their own statement date, the 20th) with
        DOCUMENTS invoices each, their statements generated by the run's jobs (performed here
        as the runner does), submitted, and approved by a second reviewer (four eyes).

        :return: (run id, statement ids)
        """
        with self.registry.cursor() as cr:
            env = self._main_company_env(cr)
            partners = self._create_committed_customers(
                env,
                f"月结断电客户 {self.tag}",
                KILLED_CUSTOMERS,
                settlement_cutoff_day=20,
                settlement_delivery_portal=False,
            )
            for partner in partners:
                partner.email = f"ap-{partner.id}-{self.tag}@buyer.example.com"
            for _index in range(DOCUMENTS - 1):
                self._post_invoices(env, {partner: 50 * (index + 1) for index, partner in enumerate(partners)})
            reviewer = env["res.users"].create(
                self._settlement_user_values(
                    env,
                    f"月结断电审核 {self.tag}",
                    f"ms_month_end_kill_{self.tag}",
                    "monthly_settlement.group_settlement_reviewer",
                )
            )
            self.addCleanup(self._delete_partners, reviewer.partner_id.ids)  # the user's, kept by Odoo
            self.addCleanup(self._delete_fixture_of, partners.ids, reviewer.ids)
            self.addCleanup(self._delete_statement_records, partners.ids)
            self.addCleanup(self._delete_runs)
            periods = env["monthly.settlement.engine"]._jobs(partners, date(2026, 11, 30))
            run = env[RUN]._plan_generation(env.company, "account", periods)
            for record in env["queue.job"].search(
                [("month_end_id", "=", run.id), ("method_name", "=", "_job_generate")]
            ):
                self._perform(record, env)
            statements = env[STATEMENT].search([("partner_id", "in", partners.ids)])
            statements.action_submit()
            statements.with_user(reviewer).action_approve()
            self.kill_partner_ids = partners.ids
            self.customer_emails = dict(zip(partners.ids, partners.mapped("email"), strict=True))
            return run.id, statements.ids

    def _delete_partners(self, partner_ids):
        with self.registry.cursor() as cr:
            api.Environment(cr, api.SUPERUSER_ID, {})["res.partner"].browse(partner_ids).unlink()

    def _delete_statement_records(self, partner_ids):
        """What is left of the statements besides the rows `_delete_fixture_of` deletes: their
        PDFs (in SQL, as the files of a sent statement are kept for good by the ORM), activities
        and followers."""
        with self.registry.cursor() as cr:
            cr.execute(f"SELECT id FROM {STATEMENT.replace('.', '_')} WHERE partner_id = ANY(%s)", [partner_ids])
            statement_ids = [statement_id for (statement_id,) in cr.fetchall()]
            for table in ("ir_attachment", "mail_activity", "mail_followers"):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE res_model = %s AND res_id = ANY(%s)",
                        SQL.identifier(table),
                        STATEMENT,
                        statement_ids,
                    )
                )

    def _enqueue(self, stage, statement_ids, batch):
        """What `_cron_render_pdfs` / `_cron_send_statements` enqueue, for these statements only
        (others of the database are none of this test's business), ``batch`` statements a job."""
        with (
            self.registry.cursor() as cr,
            patch(f"{MODULE}.{'PDF' if stage == 'render' else 'SEND'}_BATCH_SIZE", batch),
        ):
            env = self._env(cr)
            env[RUN]._enqueue_for_statements(stage, env[STATEMENT].browse(statement_ids))

    def _jobs_of(self, run_id):
        """{job id: (method, state, tries (queue_job's retry), pid of the server that ran it last)}
        of the run."""
        rows = self._db(
            "SELECT id, method_name, state, retry, worker_pid FROM queue_job WHERE month_end_id = %s ORDER BY id",
            [run_id],
        )
        return {job_id: tuple(values) for job_id, *values in rows}

    def _wait_until(self, servers, condition, timeout, what, up=True):
        """Poll ``condition`` every 50 ms (while the last of ``servers`` runs, if ``up``); its
        truthy value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if up:
                self.assertIsNone(servers[-1].poll(), f"the server is up\n{self._server_logs(*servers)}")
            value = condition()
            if value:
                return value
            time.sleep(0.05)
        self.fail(f"{what}: not within {timeout} s\n{self._server_logs(*servers)}")

    def _run_done(self, run_id, servers):
        """Whether the run is finished and none of its jobs is still waiting or running (a check
        job in flight when another finished the run)."""
        [(state,)] = self._db("SELECT state FROM monthly_settlement_month_end WHERE id = %s", [run_id])
        jobs = self._jobs_of(run_id)
        self.assertNotEqual(state, "failed", f"a job of the run failed: {jobs}\n{self._server_logs(*servers)}")
        return state == "done" and all(job_state in ("done", "failed") for _method, job_state, *_ in jobs.values())

    def _mail_sink(self):
        """A local SMTP server, and the database's outgoing mail server pointing at it (committed:
        the servers send through it)."""
        inbox = Inbox()
        sink = Controller(inbox, hostname="127.0.0.1", port=_free_port())
        sink.start()
        self.addCleanup(sink.stop)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            self.assertFalse(env["ir.mail_server"].search([]), "the test's sink is the only mail server")
            server = env["ir.mail_server"].create(
                {
                    "name": f"SMTP sink {self.tag}",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": sink.port,
                    "smtp_encryption": "none",
                }
            )
            self.addCleanup(self._delete_mail_server, server.id)
        return inbox

    def _delete_mail_server(self, server_id):
        with self.registry.cursor() as cr:
            api.Environment(cr, api.SUPERUSER_ID, {})["ir.mail_server"].browse(server_id).unlink()

    def test_server_killed_mid_render_finishes_on_restart(self):
        """kill -9 of the server (and its wkhtmltopdf) while it renders PDFs: the jobs it was
        running stay started; a new server requeues them and finishes the run. Every customer
        gets one statement, one PDF and, once emailed, one email."""
        run_id, statement_ids = self._approved_run()
        inbox = self._mail_sink()
        self._enqueue("render", statement_ids, PDF_CHUNK)
        render_jobs = [
            job_id for job_id, (method, *_values) in self._jobs_of(run_id).items() if method == "_job_render"
        ]
        self.assertEqual(len(render_jobs), KILLED_CUSTOMERS // PDF_CHUNK)

        def rendering():
            return [job_id for job_id in render_jobs if self._jobs_of(run_id)[job_id][1] == "started"]

        first = self._start_server()
        started = self._wait_until(
            [first],
            lambda: _wkhtmltopdf_of(first) and rendering(),
            TIMEOUT,
            "a render job started, its wkhtmltopdf running",
        )
        self._kill_server(first)
        self._wait_until([first], lambda: not _wkhtmltopdf_of(first), 10, "its wkhtmltopdf killed too", up=False)
        killed = rendering()
        self.assertTrue(set(started) <= set(killed), "the jobs the server was running are left started")
        jobs = self._jobs_of(run_id)
        self.assertEqual({jobs[job_id][3] for job_id in killed}, {first.pid})
        self.assertEqual(
            self._pdf_counts(statement_ids),
            {statement_id: 1 for statement_id, job_id in self._rendered_by(statement_ids).items() if job_id},
            "what the killed jobs did is not in the database",
        )
        # The new server's runner requeues the killed jobs when it first looks (see REQUEUE_AGE).
        [(age,)] = self._db(
            "SELECT min(extract(epoch FROM (now() AT TIME ZONE 'utc') - date_enqueued)) FROM queue_job "
            "WHERE id = ANY(%s)",
            [killed],
        )
        time.sleep(max(0.0, REQUEUE_AGE - float(age)))

        second = self._start_server()
        servers = [first, second]
        self._wait_until(servers, lambda: self._run_done(run_id, servers), TIMEOUT, "the run finished its PDFs")
        jobs = self._jobs_of(run_id)
        for job_id in killed:
            _method, state, tries, pid = jobs[job_id]
            self.assertEqual((state, pid), ("done", second.pid), "the killed job was requeued, done by the new server")
            self.assertGreaterEqual(tries, 2, "the killed try counts (queue_job's retry)")
        self.assertEqual({state for _method, state, *_values in jobs.values()}, {"done"}, "no job failed")
        self._assert_one_pdf_each(statement_ids, killed)

        self._enqueue("send", statement_ids, KILLED_CUSTOMERS // 2)
        table = STATEMENT.replace(".", "_")
        delivered = f"SELECT count(*) FROM {table} WHERE id = ANY(%s) AND delivery_state = 'sent'"
        self._wait_until(
            servers,
            lambda: self._db(delivered, [statement_ids]) == [(KILLED_CUSTOMERS,)] and self._run_done(run_id, servers),
            TIMEOUT,
            "the statements emailed and delivered",
        )
        customers = set(self.customer_emails.values())
        received = Counter(
            recipient for recipients, _mail in inbox.messages for recipient in recipients if recipient in customers
        )
        self.assertEqual(received, Counter(customers), "one email per customer")
        self.assertEqual(
            self._db(
                "SELECT count(*) FROM monthly_settlement_statement_sending WHERE statement_id = ANY(%s) "
                "AND channel = 'email'",
                [statement_ids],
            ),
            [(KILLED_CUSTOMERS,)],
        )
        self._assert_one_pdf_each(statement_ids, killed)  # the emails carried those PDFs
        self.assertEqual(
            {state for _method, state, *_values in self._jobs_of(run_id).values()}, {"done"}, "no job failed"
        )

    def _pdf_counts(self, statement_ids):
        """{statement id: its PDF attachments} of the statements that have any."""
        rows = self._db(
            "SELECT res_id, count(*) FROM ir_attachment WHERE res_model = %s AND res_id = ANY(%s) "
            "AND mimetype = 'application/pdf' GROUP BY res_id",
            [STATEMENT, statement_ids],
        )
        return dict(rows)

    def _rendered_by(self, statement_ids):
        """{statement id: the job that rendered its PDF, or None}."""
        rows = self._db(
            f"SELECT id, render_job_id FROM {STATEMENT.replace('.', '_')} WHERE id = ANY(%s)", [statement_ids]
        )
        return dict(rows)

    def _assert_one_pdf_each(self, statement_ids, killed):
        """Every customer has one statement, with one PDF attachment, the one it records; the
        killed jobs rendered some of them (on the new server)."""
        made = self._db(
            f"SELECT partner_id, count(*) FROM {STATEMENT.replace('.', '_')} WHERE partner_id = ANY(%s) GROUP BY 1",
            [self.kill_partner_ids],
        )
        self.assertEqual(dict(made), dict.fromkeys(self.kill_partner_ids, 1), "one statement per customer")
        self.assertEqual(self._pdf_counts(statement_ids), dict.fromkeys(statement_ids, 1), "one PDF per statement")
        recorded = self._db(
            f"""SELECT statement.id FROM {STATEMENT.replace(".", "_")} statement
                  JOIN ir_attachment attachment ON attachment.id = statement.pdf_attachment_id
                 WHERE statement.id = ANY(%s) AND attachment.res_id = statement.id AND attachment.res_model = %s""",
            [statement_ids, STATEMENT],
        )
        self.assertEqual(sorted(statement_id for (statement_id,) in recorded), sorted(statement_ids))
        self.assertTrue(set(self._rendered_by(statement_ids).values()) >= set(killed))
