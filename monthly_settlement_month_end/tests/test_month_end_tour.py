"""The month-end form in a real browser refreshes itself while the jobs run elsewhere.

The tour (static/tests/tours/month_end_tour.js) opens, as a reviewer, a run whose generation job
is pending and checks that it shows nothing generated yet; then, without a click or a reload, it
waits for the form to show the statements generated and the run finished. Meanwhile a thread of
this test performs the jobs as another server's job runner would (load, started, perform, done,
each job in its own transaction), and each job tells the viewers over the bus
(`_notify_progress`).

How the notifications reach the browser in test mode: `HttpCase.browser_js` wraps
`bus.bus._sendone` so that each notification is written and NOTIFYed at once (a test transaction
never commits); the thread's cursors are test cursors on the test's transaction, serialized with
the HTTP and websocket requests by the test cursor lock. So the browser's websocket reads the
notification, and the form's reload reads the statements, once the job's transaction is over.
"""

import threading
from unittest.mock import patch

from odoo import api
from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon
from odoo.addons.monthly_settlement.tests.http_common import WebClientCase

from .common import RUN, STATEMENT, MonthEndCase

RUNS_URL = "/odoo/action-monthly_settlement_month_end.action_month_end"
TOUR = "monthly_settlement_month_end_live_progress"
# Logged by the tour once the form shows the run as planned: the jobs start then.
FORM_SHOWN = "monthly_settlement_month_end: the run is shown as planned"
CUSTOMERS = 3  # the tour expects 3
WAIT_SECONDS = 60


@tagged("post_install", "-at_install")
class TestMonthEndTour(MonthlySettlementCommon, WebClientCase, MonthEndCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reviewer = cls._create_settlement_user(
            "ms_month_end_tour_reviewer", "monthly_settlement.group_settlement_reviewer"
        )
        cls.customers = cls.env["res.partner"]
        for index in range(CUSTOMERS):
            customer = cls._create_monthly_customer(f"月结进度客户 {index}", cutoff_day=25)
            cls._invoice(customer, "2026-11-10", 1000 * (index + 1))
            cls.customers |= customer
        cls.customers.settlement_accountant_id = cls.reviewer

    def _perform_elsewhere(self, run_id, form_shown, tour_over, performed, failures):
        """Another server's job runner: once the form shows the run, each pending job of the run
        in its own transaction, the generation jobs, then the check that finishes the run (its
        delay not waited for)."""
        try:
            while not form_shown.wait(0.1):
                if tour_over.is_set():
                    return  # the tour failed before showing the run: it says why
            for method in ("_job_generate", "_job_check_finished"):
                with self.registry.cursor() as cr:
                    jobs = api.Environment(cr, api.SUPERUSER_ID, {})["queue.job"].search(
                        [("month_end_id", "=", run_id), ("method_name", "=", method), ("state", "=", "pending")],
                        order="id",
                    )
                    job_ids = jobs.ids
                for job_id in job_ids:
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, api.SUPERUSER_ID, {})
                        self._perform(env["queue.job"].browse(job_id), env)
                    performed.append(method)
        except Exception as error:
            failures.append(error)

    def test_form_refreshes_while_jobs_run_elsewhere(self):
        periods = self.env["monthly.settlement.engine"]._jobs(self.customers, self.d("2026-11-30"))
        run = self.env[RUN]._plan_generation(self.env.company, "account", periods)
        self.assertEqual(self._jobs(run).mapped("state"), ["pending"], "one generation job, waiting for a server")

        form_shown, tour_over = threading.Event(), threading.Event()
        handle_console = ChromeBrowser._handle_console

        def watch_console(browser, **params):
            if [arg.get("value") for arg in params.get("args") or []] == [FORM_SHOWN]:
                form_shown.set()
            return handle_console(browser, **params)

        performed, failures = [], []
        worker = threading.Thread(
            target=self._perform_elsewhere,
            args=(run.id, form_shown, tour_over, performed, failures),
            name="month-end jobs elsewhere",
        )
        worker.start()
        try:
            with patch.object(ChromeBrowser, "_handle_console", watch_console):
                self.start_tour(f"{RUNS_URL}/{run.id}", TOUR, login=self.reviewer.login, timeout=WAIT_SECONDS)
        finally:
            tour_over.set()
            worker.join(WAIT_SECONDS)
        self.assertFalse(worker.is_alive(), "the jobs are done")
        if failures:
            raise failures[0]
        self.assertEqual(performed, ["_job_generate", "_job_check_finished"])

        self.env.invalidate_all()
        statements = self.env[STATEMENT].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(sorted(statement.partner_id.id for statement in statements), sorted(self.customers.ids))
        self.assertEqual(set(statements.mapped("period_end")), {self.d("2026-11-25")})
        self.assertEqual(
            {statement.partner_id: statement.closing_balance for statement in statements},
            {customer: 1000.0 * (index + 1) for index, customer in enumerate(self.customers)},
        )
        self.assertRecordValues(run, [{"state": "done", "customer_count": CUSTOMERS, "generated_count": CUSTOMERS}])
        self.assertEqual(set(self._jobs(run).mapped("state")), {"done"})
