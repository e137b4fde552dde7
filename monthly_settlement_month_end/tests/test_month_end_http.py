from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.http_common import RpcError, WebClientCase
from odoo.addons.monthly_settlement_reports.tests.test_statement_pdf import StatementReportCommon
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
from odoo.addons.queue_job.job import Job

from .common import RUN, STATEMENT, MonthEndCase

PDF_REPORT = "monthly_settlement_reports.action_report_statement_pdf"


@tagged("post_install", "-at_install")
class TestMonthEndHttp(StatementReportCommon, WebClientCase, MonthEndCase):
    """PDFs by job (real wkhtmltopdf: the server is up in an HttpCase), failures, and the
    month-end view as the manager opens it in the web client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._create_settlement_user("ms_month_end_manager", "monthly_settlement.group_settlement_manager")
        cls.salesperson = cls._create_settlement_user("ms_month_end_sales", "monthly_settlement.group_settlement_user")
        cls.customer_25.write({"email": "ap@buyer.example.com"})
        cls.statement.accountant_id = cls.manager
        cls.statement.action_submit()
        cls.env.company.settlement_four_eyes = False
        cls.statement.action_approve()

    def _statement_pdfs(self, statement):
        return self.env["ir.attachment"].search(
            [("res_model", "=", STATEMENT), ("res_id", "=", statement.id), ("mimetype", "=", "application/pdf")]
        )

    def test_pdf_rendered_once_per_revision_and_sent_as_rendered(self):
        """The hourly action renders the PDF of a statement about to be emailed, once whatever
        the retries; the email then carries that very file."""
        self.env[STATEMENT].with_user(self.env.ref("base.user_root"))._cron_render_pdfs()
        run = self._run(self.statement.period_end)
        job = self._jobs(run, "_job_render")
        self.assertEqual(job.channel, "root.monthly_settlement.render")
        self._perform(job)
        self._perform(job)  # retried, or taken again by a second server
        pdf = self._statement_pdfs(self.statement)
        self.assertEqual(len(pdf), 1, "one PDF for the revision")
        self.assertIn("12,345.67", self._poppler("pdftotext", pdf.raw))
        self.assertEqual(self.statement.sudo().render_job_id, job)
        self.assertEqual(run.rendered_count, 1)
        self.env[STATEMENT].with_user(self.env.ref("base.user_root"))._cron_render_pdfs()
        self.assertEqual(len(self._jobs(run, "_job_render")), 1, "rendered: not enqueued again")

        self.env[STATEMENT].with_user(self.env.ref("base.user_root"))._cron_send_statements()
        self._perform(self._jobs(run, "_job_send"))
        sent_pdf = self.statement._get_sent_file("pdf")
        self.assertEqual(sent_pdf.checksum, pdf.checksum, "the email carries the PDF rendered, not a second one")
        self.assertEqual(len(self._statement_pdfs(self.statement)), 1)

    def test_statement_sent_from_the_dialog_counts_as_rendered(self):
        """Sent by a reviewer before any month-end job rendered it: the PDF went out with the
        email (rendered then), so the run counts it among the PDFs, not as one still to render."""
        run = self.env[RUN]._get_run(self.env.company, self.statement.period_end)
        self.assertEqual((run.generated_count, run.rendered_count), (1, 0))
        reviewer = self._create_settlement_user("ms_month_end_reviewer", "monthly_settlement.group_settlement_reviewer")
        self.statement.with_user(reviewer).with_context(force_report_rendering=True)._send()
        self.env.invalidate_all()
        files = self.statement.sudo().sending_ids.attachment_ids
        self.assertEqual(
            files.filtered(lambda file: file.mimetype == "application/pdf").mapped("name"),
            [self.statement._get_statement_attachment_name("pdf")],
            "the email carries the statement's PDF",
        )
        self.assertFalse(self.statement.sudo().pdf_attachment_id, "no month-end job rendered it")
        run.invalidate_recordset()
        self.assertEqual(run.rendered_count, 1)

    def _fail_render_job(self):
        """A render job whose wkhtmltopdf keeps crashing, performed until queue_job gives up,
        as its runner does (failure stored, the job function's on-fail hook called)."""
        self.statement.with_user(self.salesperson).action_prepare_pdfs()
        self.env[STATEMENT].with_user(self.env.ref("base.user_root"))._cron_render_pdfs()
        run = self._run(self.statement.period_end)
        record = self._jobs(run, "_job_render")
        crash = UserError("Wkhtmltopdf failed (error code: -11). Message: Segmentation fault")
        with patch.object(type(self.env[STATEMENT]), "_render_pdfs", side_effect=crash):
            job = Job.load(self.env, record.uuid)
            job.max_retries = 2
            with self.assertRaisesRegex(RetryableJobError, "Segmentation fault"):
                job.perform()
            with self.assertRaises(FailedJobError):
                job.perform()
        values = {"exc_name": "FailedJobError", "exc_message": "Max. retries (2) reached: wkhtmltopdf", "exc_info": ""}
        job.set_failed(**values)
        job.store()
        job.on_fail(values)
        return run, record

    def test_failure_reaches_the_accountant_and_retry_over_http(self):
        run, job = self._fail_render_job()
        self.assertRecordValues(run, [{"state": "failed", "failed_count": 1}])
        self.assertIn("Max. retries (2) reached", run.failure_reason)
        activity = (
            self.env["mail.activity"].with_user(self.manager).search([("res_model", "=", RUN), ("res_id", "=", run.id)])
        )
        self.assertEqual(activity.user_id, self.manager, "the customer's responsible accountant")
        self.assertEqual(activity.summary, "查看月结任务失败的原因并重试")

        self.web_login(self.manager)
        # The menu's action, then the run as the form view reads it.
        action = self.env.ref("monthly_settlement_month_end.action_month_end")
        runs = self.call_kw(RUN, "web_search_read", [], {"domain": [], "specification": {"name": {}, "state": {}}})
        self.assertIn(run.id, [record["id"] for record in runs["records"]])
        [shown] = self.call_kw(
            RUN,
            "web_read",
            [run.ids],
            {
                "specification": {
                    name: {}
                    for name in (
                        "name",
                        "customer_count",
                        "generated_count",
                        "approved_count",
                        "rendered_count",
                        "sent_count",
                        "delivered_count",
                        "failed_count",
                        "approved_progress",
                        "failure_reason",
                    )
                }
            },
        )
        self.assertEqual(action.res_model, RUN)
        self.assertEqual(
            {key: shown[key] for key in ("generated_count", "approved_count", "rendered_count", "failed_count")},
            {"generated_count": 1, "approved_count": 1, "rendered_count": 0, "failed_count": 1},
        )
        self.assertEqual(shown["approved_progress"], 100.0)
        self.assertIn("Max. retries", shown["failure_reason"])
        with self.assertRaises(RpcError) as denied:  # the job list stays with the administrators
            self.call_kw("queue.job", "search_read", [[("id", "=", job.id)]], {"fields": ["state"]})
        self.assertEqual(denied.exception.name, "odoo.exceptions.AccessError")

        self.call_button(run, "action_retry")
        self.env.invalidate_all()
        self.assertEqual(job.state, "pending", "the failed job is queued again")
        self.assertEqual(run.state, "running")
        self._perform(job)
        self._perform(self._jobs(run, "_job_check_finished").filtered(lambda check: check.state == "pending"))
        self.assertEqual(len(self._statement_pdfs(self.statement)), 1)
        self.assertRecordValues(run, [{"state": "done", "failed_count": 0, "rendered_count": 1}])

    def test_salesperson_does_not_see_month_end(self):
        run, _job = self._fail_render_job()
        self.web_login(self.salesperson)
        with self.assertRaises(RpcError) as denied:
            self.call_button(run, "action_retry")
        self.env.invalidate_all()
        self.assertEqual(denied.exception.name, "odoo.exceptions.AccessError")
