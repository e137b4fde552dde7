"""The demo's month-end, as its head of finance follows it (run on the demo database, see
setup/test.sh): the demo starts with a run under way (the PDFs of the statements waiting for
their email, queued for the job runner the served demo starts), and the Month-End Progress form
shows it progressing and finishing as the jobs are done, here as queue_job's runner does them."""

from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.http_common import WebClientCase
from odoo.addons.queue_job.job import Job

RUN = "monthly.settlement.month.end"
PROGRESS = ("state", "generated_count", "rendered_count", "rendered_progress", "open_job_count", "failed_count")


@tagged("post_install", "-at_install")
class TestDemoMonthEnd(WebClientCase):
    def _progress(self, run):
        """What the form shows, read as the web client reads it."""
        [values] = self.call_kw(RUN, "web_read", [run.ids], {"specification": {name: {} for name in PROGRESS}})
        return values

    def _perform_pending(self, run):
        """Every job of the run waiting, as the job runner would run them (eta or not); returns them."""
        performed = self.env["queue.job"]
        while jobs := self.env["queue.job"].sudo().search([("month_end_id", "=", run.id), ("state", "=", "pending")]):
            for record in jobs:
                job = Job.load(self.env, record.uuid)
                job.set_started()
                job.store()
                job.perform()
                job.set_done()
                job.store()
            performed |= jobs
        return performed

    def test_finance_follows_a_run_to_its_end(self):
        finance = self.env["res.users"].search([("login", "=", "finance")])
        runs = self.env[RUN].search([("state", "=", "running")])
        self.assertTrue(runs, "the demo starts with a month-end run under way")
        run = runs[0]
        statements = self.env["monthly.settlement.statement"].search(
            [*run._statement_domain(), ("superseded_by_id", "=", False), ("state", "!=", "cancel")]
        )
        to_render = statements.filtered(lambda statement: not statement._has_rendered_pdf())
        self.assertTrue(to_render, "the run has PDFs to render")

        self.web_login(finance)
        before = self._progress(run)
        self.assertEqual(before["state"], "running")
        self.assertGreater(before["open_job_count"], 0)
        self.assertEqual(before["generated_count"], len(statements))
        with_pdf = statements.filtered(
            lambda statement: (
                statement.sudo().pdf_revision_date == statement.generate_date
                or any(
                    sending.generate_date == statement.generate_date
                    and "application/pdf" in sending.attachment_ids.mapped("mimetype")
                    for sending in statement.sudo().sending_ids
                )
            )
        )
        self.assertEqual(before["rendered_count"], len(with_pdf), "rendered by the month-end, or sent with its PDF")

        performed = self._perform_pending(run)
        self.assertIn("_job_render", performed.mapped("method_name"))
        self.env.invalidate_all()
        after = self._progress(run)
        self.assertEqual(after["state"], "done")
        self.assertEqual((after["rendered_count"], after["rendered_progress"]), (len(statements), 100.0))
        self.assertEqual((after["open_job_count"], after["failed_count"]), (0, 0))
        for statement in to_render:
            pdfs = self.env["ir.attachment"].search(
                [
                    ("res_model", "=", statement._name),
                    ("res_id", "=", statement.id),
                    ("mimetype", "=", "application/pdf"),
                ]
            )
            self.assertEqual(len(pdfs), 1, f"one PDF for {statement.name}")
            self.assertTrue(statement._has_rendered_pdf())
        told = run.message_ids.filtered(lambda message: run._get_responsible().partner_id & message.partner_ids)
        self.assertTrue(told, "the run's accountants are told it finished")
