"""The real job runner: a second Odoo server (threaded, queue_job loaded server-wide, as
setup/run.sh serves the demo) on the test database performs a month-end run enqueued here.

The fixture is committed (the server must see it) and deleted at the end.
"""
# pylint: disable=invalid-commit

import os
import socket
import subprocess
import sys
import time
from datetime import date

import odoo
from odoo import api
from odoo.tests import get_db_name, tagged
from odoo.tools import config

from odoo.addons.monthly_settlement.tests.committed_fixture import CommittedFixtureCase
from odoo.addons.monthly_settlement.tests.queued_jobs import delete_month_end_runs

from .common import RUN, STATEMENT

CUSTOMERS = 4
# The server loads the registry, then the runner waits 5 s before its first look (START_DELAY).
TIMEOUT = 180


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@tagged("post_install", "-at_install")
class TestMonthEndJobRunner(CommittedFixtureCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = cls._main_company_env(cr)
            partners = cls._create_committed_customers(env, f"月结运行器客户 {cls.tag}", CUSTOMERS)
            cls.company_id, cls.partner_ids = env.company.id, partners.ids
        cls.addClassCleanup(cls._delete_fixture_of, cls.partner_ids, [])

    def _db(self, query, params=()):
        with self.registry.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def _delete_runs(self):
        with self.registry.cursor() as cr:
            delete_month_end_runs(cr, self.company_id)

    def _start_server(self):
        """odoo-bin as the demo runs it, on a free port, with the runner on (one job at a time)."""
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
        server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(self._stop_server, server)
        return server

    @staticmethod
    def _stop_server(server):
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

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
        made = self._db(
            f"SELECT partner_id, COUNT(*) FROM {STATEMENT.replace('.', '_')} WHERE partner_id = ANY(%s) GROUP BY 1",
            [self.partner_ids],
        )
        self.assertEqual(sorted(made), sorted((partner_id, 1) for partner_id in self.partner_ids))
