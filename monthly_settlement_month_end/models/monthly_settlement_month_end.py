"""A month-end run: the statements of one company, statement date and type, made, rendered and
emailed by OCA queue_job jobs, and the progress people watch.

The jobs are methods of the run (`_job_generate`, `_job_render`, `_job_send`), one per batch of
customers or chunk of statements, each in its channel (root.monthly_settlement.generate,
.render, .send: their capacities are the servers' `[queue_job] channels`). Every job is
idempotent: it takes its statements' rows with SKIP LOCKED and does only what the statements
do not have yet (a statement already generated for the period, a PDF of this revision, an email
queued or sent), so that a retry, a requeue or a second server never doubles anything.
"""

import logging
import smtplib

from psycopg2.errors import LockNotAvailable, SerializationFailure, UniqueViolation

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger, split_every

from odoo.addons.monthly_settlement.models.monthly_settlement_engine import GENERATION_BATCH_SIZE
from odoo.addons.monthly_settlement.models.monthly_settlement_statement import STATEMENT_TYPES
from odoo.addons.monthly_settlement.models.monthly_settlement_statement_send import SEND_BATCH_SIZE
from odoo.addons.monthly_settlement.tools.access import check_settlement_group
from odoo.addons.monthly_settlement_reports.models.monthly_settlement_statement import PDF_BATCH_SIZE
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

_logger = logging.getLogger(__name__)

CHANNEL = "root.monthly_settlement"
# Jobs still to run (or running): a run with none of these left has finished.
OPEN_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")
BUS_PROGRESS = "monthly_settlement_month_end/progress"
# The counts of a run, in the order the view shows them.
COUNTS = ("generated", "submitted", "approved", "rendered", "sent", "delivered")


class MonthlySettlementMonthEnd(models.Model):
    _name = "monthly.settlement.month.end"
    _description = "Month-End Run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, company_id, statement_type"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(string="Statement Date", required=True, readonly=True, index=True)
    statement_type = fields.Selection(STATEMENT_TYPES, string="Type", required=True, readonly=True, default="account")
    state = fields.Selection(
        [("running", "Running"), ("done", "Finished"), ("failed", "Failed")],
        default="running",
        required=True,
        readonly=True,
        tracking=True,
    )
    customer_count = fields.Integer(
        string="Customers Due",
        readonly=True,
        help="Monthly customers whose period closed on the statement date, when the run was planned.",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Responsible Accountants",
        readonly=True,
        help="Told when the run finishes or a job fails: the customers' responsible accountants "
        "(and whoever started it by hand).",
    )
    job_ids = fields.One2many("queue.job", "month_end_id", string="Jobs", readonly=True, groups="base.group_system")
    generated_count = fields.Integer(string="Generated", compute="_compute_counts")
    submitted_count = fields.Integer(string="Submitted", compute="_compute_counts")
    approved_count = fields.Integer(string="Approved", compute="_compute_counts")
    rendered_count = fields.Integer(string="PDFs Rendered", compute="_compute_counts")
    sent_count = fields.Integer(string="Sent", compute="_compute_counts")
    delivered_count = fields.Integer(string="Emails Delivered", compute="_compute_counts")
    failed_count = fields.Integer(
        string="Failed",
        compute="_compute_counts",
        help="Jobs that failed after their retries, and emails the mail server did not deliver.",
    )
    open_job_count = fields.Integer(string="Jobs Waiting or Running", compute="_compute_counts")
    generated_progress = fields.Float(compute="_compute_counts")
    submitted_progress = fields.Float(compute="_compute_counts")
    approved_progress = fields.Float(compute="_compute_counts")
    rendered_progress = fields.Float(compute="_compute_counts")
    sent_progress = fields.Float(compute="_compute_counts")
    delivered_progress = fields.Float(compute="_compute_counts")
    failure_reason = fields.Text(string="What Failed", compute="_compute_counts")

    _unique_run = models.Constraint(
        "UNIQUE (company_id, date, statement_type)",
        "There is one month-end run per company, statement date and type.",
    )

    @api.depends("company_id", "date", "statement_type")
    def _compute_name(self):
        types = dict(self._fields["statement_type"]._description_selection(self.env))
        for run in self:
            run.name = self.env._(
                "Month-end %(date)s, %(type)s, %(company)s",
                date=fields.Date.to_string(run.date) if run.date else "",
                type=types.get(run.statement_type, ""),
                company=run.company_id.name or "",
            )

    def _compute_counts(self):
        figures = self._read_counts()
        for run in self:
            values = figures.get(run.id, {})
            for name in (*COUNTS, "failed", "open_job"):
                run[f"{name}_count"] = values.get(name, 0)
            # Generated against the customers due; every later stage against the statements made.
            run.generated_progress = 100.0 * run.generated_count / run.customer_count if run.customer_count else 0.0
            for name in COUNTS[1:]:
                run[f"{name}_progress"] = (
                    100.0 * run[f"{name}_count"] / run.generated_count if run.generated_count else 0
                )
            run.failure_reason = "\n".join(values.get("reasons") or [])

    def _read_counts(self):
        """{run id: counts and failure reasons}, for all the runs in one query: the current
        revisions of each run's statements (not cancelled), and its jobs. A statement's PDF counts
        as rendered when the month-end rendered it or when it went out with this revision's PDF
        (sent from the Send dialog, rendered then)."""
        if not self.ids:
            return {}
        self.env["monthly.settlement.statement"].flush_model()
        self.env["queue.job"].flush_model(["month_end_id", "state", "exc_message", "exc_name"])
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
            SELECT run.id,
                   count(st.id),
                   count(st.id) FILTER (WHERE st.submit_date IS NOT NULL),
                   count(st.id) FILTER (WHERE st.approve_date IS NOT NULL),
                   count(st.id) FILTER (WHERE st.pdf_revision_date = st.generate_date OR EXISTS (
                        SELECT 1
                          FROM monthly_settlement_statement_sending sending
                          JOIN monthly_settlement_statement_sending_attachment_rel rel ON rel.sending_id = sending.id
                          JOIN ir_attachment file ON file.id = rel.attachment_id
                         WHERE sending.statement_id = st.id
                           AND sending.generate_date = st.generate_date
                           AND file.mimetype = 'application/pdf'
                   )),
                   count(st.id) FILTER (WHERE st.is_sent),
                   count(st.id) FILTER (WHERE st.delivery_state = 'sent'),
                   count(st.id) FILTER (WHERE st.delivery_state = 'failed'),
                   jobs.failed, jobs.open, jobs.reasons
              FROM monthly_settlement_month_end run
         LEFT JOIN monthly_settlement_statement st
                ON st.company_id = run.company_id
               AND st.period_end = run.date
               AND st.statement_type = run.statement_type
               AND st.superseded_by_id IS NULL
               AND st.state != 'cancel'
         LEFT JOIN LATERAL (
                    SELECT count(*) FILTER (WHERE job.state = 'failed') AS failed,
                           count(*) FILTER (WHERE job.state IN %(open_states)s) AS open,
                           array_agg(DISTINCT coalesce(job.exc_message, job.exc_name, ''))
                               FILTER (WHERE job.state = 'failed') AS reasons
                      FROM queue_job job
                     WHERE job.month_end_id = run.id
                   ) jobs ON TRUE
             WHERE run.id = ANY(%(ids)s)
          GROUP BY run.id, jobs.failed, jobs.open, jobs.reasons
            """,
                ids=self.ids,
                open_states=OPEN_JOB_STATES,
            )
        )
        result = {}
        for row in self.env.cr.fetchall():
            run_id, generated, submitted, approved, rendered, sent, delivered, failed_emails = row[:8]
            failed_jobs, open_jobs, reasons = row[8:]
            reasons = [reason for reason in reasons or [] if reason]
            if failed_emails:
                reasons.append(self.env._("%(count)s statement emails were not delivered.", count=failed_emails))
            result[run_id] = {
                "generated": generated,
                "submitted": submitted,
                "approved": approved,
                "rendered": rendered,
                "sent": sent,
                "delivered": delivered,
                "failed": (failed_jobs or 0) + failed_emails,
                "open_job": open_jobs or 0,
                "reasons": reasons,
            }
        return result

    # ------------------------------------------------------------------
    # Planning: a run per company, statement date and type, and its jobs
    # ------------------------------------------------------------------

    @api.model
    def _get_run(self, company, date, statement_type="account"):
        """The run of ``company``, ``date`` and type, made if missing. Two servers planning the
        same run at once get the same record (the loser of the race reads the winner's)."""
        domain = [("company_id", "=", company.id), ("date", "=", date), ("statement_type", "=", statement_type)]
        run = self.sudo().search(domain, limit=1)
        if run:
            return run
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                return self.sudo().create({"company_id": company.id, "date": date, "statement_type": statement_type})
        except UniqueViolation:
            return self.sudo().search(domain, limit=1)

    def _add_responsible(self, users):
        """Tell ``users`` (the customers' accountants, whoever started the work) about this run."""
        users = users.filtered(lambda user: not user.share) - self.user_ids
        if users:
            self.user_ids = [fields.Command.link(user.id) for user in users]
            self.message_subscribe(partner_ids=users.partner_id.ids)

    def _delayable(self, stage, description):
        """Job options of a stage: its channel, and an identity so that the same work enqueued
        twice (two servers' scheduled actions, a user and the nightly run) makes one job."""
        return self.with_delay(
            channel=f"{CHANNEL}.{stage}",
            identity_key=identity_exact,
            description=description,
        )

    def _enqueue_generation(self, partners):
        """One generation job per batch of the customers still without a statement for the date."""
        self.ensure_one()
        partners = self._without_statement(partners)
        self.customer_count = max(self.customer_count, len(partners) + self.generated_count)
        self._add_responsible(partners.settlement_accountant_id)
        for ids in split_every(GENERATION_BATCH_SIZE, sorted(partners.ids), list):
            self._delayable(
                "generate", self.env._("Generate statements (%(count)s customers)", count=len(ids))
            )._job_generate(ids)
        self._reopen()

    def _statement_domain(self):
        """The statements of the run: its company, statement date and type (every revision)."""
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("period_end", "=", self.date),
            ("statement_type", "=", self.statement_type),
        ]

    def _without_statement(self, partners):
        """``partners`` that have no statement of the run's type and date yet."""
        Statement = self.env["monthly.settlement.statement"].sudo()
        return partners - Statement.search([*self._statement_domain(), ("partner_id", "in", partners.ids)]).partner_id

    @api.model
    def _plan_generation(self, company, statement_type, periods):
        """Plan the runs of ``periods`` ({partner: (start, end)} of ``company``, as the engine's
        `_jobs` gives them): a run per statement date, a generation job per batch of customers.

        :return: the runs
        """
        by_date = {}
        for partner, (_start, end) in periods.items():
            by_date[end] = by_date.get(end, self.env["res.partner"]) | partner
        runs = self.sudo().browse()  # as `_get_run` gives them: users work on runs through the jobs only
        for date, due in sorted(by_date.items()):
            run = self._get_run(company, date, statement_type)
            run._enqueue_generation(due)
            runs |= run
        return runs

    def _enqueue_statements(self, stage, statements, **kwargs):
        """Render (``stage`` "render") or email ("send") ``statements`` of this run, a job per
        chunk (``kwargs`` go to the job)."""
        self.ensure_one()
        size = PDF_BATCH_SIZE if stage == "render" else SEND_BATCH_SIZE
        descriptions = {
            "render": lambda count: self.env._("Render statement PDFs (%(count)s statements)", count=count),
            "send": lambda count: self.env._("Email statements (%(count)s statements)", count=count),
        }
        method = {"render": "_job_render", "send": "_job_send"}[stage]
        for ids in split_every(size, sorted(statements.ids), list):
            getattr(self._delayable(stage, descriptions[stage](len(ids))), method)(ids, **kwargs)
        if statements:
            self._reopen()

    @api.model
    def _enqueue_for_statements(self, stage, statements, **kwargs):
        """Enqueue ``stage`` for statements of any runs: grouped by company, date and type."""
        for (company, date, statement_type), group in statements.grouped(
            lambda statement: (statement.company_id, statement.period_end, statement.statement_type)
        ).items():
            run = self._get_run(company, date, statement_type)
            # As for a failed email: the responsible accountant, else whoever approved.
            run._add_responsible(group.mapped(lambda statement: statement.accountant_id or statement.approve_uid))
            run._enqueue_statements(stage, group, **kwargs)

    def _reopen(self):
        """A finished run that gets new work runs again (and will tell its accountants again)."""
        self.filtered(lambda run: run.state != "running").state = "running"
        self._notify_progress()

    # ------------------------------------------------------------------
    # The jobs
    # ------------------------------------------------------------------

    def _job_generate(self, partner_ids):
        """Generate the statements of a batch of customers (the engine skips those that have one
        and leaves those another run holds). Their PDFs come once approved (see `_cron_render_pdfs`)."""
        self.ensure_one()
        Statement = self.env["monthly.settlement.statement"].with_company(self.company_id)
        partners = Statement.env["res.partner"].browse(partner_ids).exists()
        created, held = Statement._month_end_generate(self.statement_type, partners, self.date)
        created.sudo().write({"generate_job_id": self._current_job().id})
        if held:
            # Another transaction holds them right now: it makes them, or this job is retried.
            still_missing = self._without_statement(held)
            if still_missing:
                raise RetryableJobError(
                    self.env._("%(count)s customers are being generated by another run.", count=len(still_missing)),
                    seconds=30,
                )
        self._after_job()
        return self.env._("%(count)s statements generated", count=len(created))

    def _job_render(self, statement_ids):
        """Render and attach the PDFs of a chunk, each statement revision once."""
        self.ensure_one()
        statements = self._lock_statements(statement_ids).filtered(lambda statement: not statement._has_rendered_pdf())
        if statements:
            try:
                statements._render_pdfs()
            except (UserError, OSError) as error:  # wkhtmltopdf crashed, could not start or fetch its assets
                raise RetryableJobError(
                    self.env._("The PDFs could not be rendered: %(error)s", error=error), seconds=60
                ) from error
            statements._record_rendered(self._current_job())
        self._after_job()
        return self.env._("%(count)s PDFs rendered", count=len(statements))

    def _job_send(self, statement_ids, by_hand=False):
        """Email a chunk: the statements still waiting for their email, each once (``by_hand``:
        those a reviewer sent from the Send dialog, still approved and not being emailed)."""
        self.ensure_one()
        self._check_smtp()
        Statement = self.env["monthly.settlement.statement"]
        if by_hand:
            domain = [("state", "=", "approved"), ("superseded_by_id", "=", False), ("delivery_state", "!=", "queued")]
        else:
            domain = Statement._get_to_email_domain()
        statements = self._lock_statements(statement_ids).filtered_domain(domain)
        if statements:
            statements._send_by_email()
            statements.sudo().write({"send_job_id": self._current_job().id})
        self._after_job()
        return self.env._("%(count)s statements emailed", count=len(statements))

    def _lock_statements(self, statement_ids):
        """The statements of ``statement_ids`` whose rows this transaction could take: those another
        job holds right now are left to it (SKIP LOCKED), as queue_job takes its own jobs."""
        Statement = self.env["monthly.settlement.statement"]
        Statement.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM monthly_settlement_statement WHERE id = ANY(%s) ORDER BY id FOR UPDATE SKIP LOCKED",
                list(statement_ids),
            )
        )
        statements = Statement.browse(row[0] for row in self.env.cr.fetchall()).with_company(self.company_id)
        statements.invalidate_recordset()
        return statements

    def _check_smtp(self):
        """Before emailing a chunk: a mail server that cannot be reached now is retried later (with
        the job function's backoff) rather than failing every email of the chunk."""
        try:
            smtp = self.env["ir.mail_server"].sudo()._connect__(allow_archived=False)
        except (OSError, smtplib.SMTPException, UserError) as error:
            raise RetryableJobError(
                self.env._("The outgoing mail server cannot be reached: %(error)s", error=error)
            ) from error
        if smtp is None:  # Odoo sends nothing in tests (unless to the tests' local SMTP server)
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            _logger.debug("closing the test connection to the mail server failed", exc_info=True)

    def _current_job(self):
        """The queue.job running this code (none when performed outside the queue)."""
        uuid = self.env.context.get("job_uuid")
        return self.env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1) if uuid else self.env["queue.job"]

    def _job_store_values(self, job):
        """queue_job's hook: every job of a run is linked to it (the view counts them)."""
        values = super()._job_store_values(job)
        values["month_end_id"] = self[:1].id
        return values

    # ------------------------------------------------------------------
    # Progress and notifications
    # ------------------------------------------------------------------

    def _after_job(self):
        """End of a job: tell the viewers, and have the run checked for its end. The jobs never
        write the run itself (many run at once on one run): one check job at a time does
        (`_job_check_finished`, one pending per run by its identity)."""
        self._notify_progress()
        for run in self:
            run.with_delay(
                channel=CHANNEL,
                identity_key=identity_exact,
                description=self.env._("Check whether the month-end run is finished"),
                eta=5,
            )._job_check_finished()

    def _job_check_finished(self):
        """Finish the run when no work is waiting or running any more, and tell its accountants."""
        self.ensure_one()
        self._lock_for_check()
        self.invalidate_recordset()  # counts and jobs as they are now
        open_work = self.sudo().job_ids.filtered(
            lambda job: job.state in OPEN_JOB_STATES and job.method_name != "_job_check_finished"
        )
        if open_work or self.state != "running" or self._failed_jobs():
            return False
        self.state = "done"
        self._tell_responsible(
            self.env._(
                "Month-end run finished: %(generated)s statements generated, %(rendered)s PDFs, "
                "%(sent)s sent, %(delivered)s emails delivered.",
                generated=self.generated_count,
                rendered=self.rendered_count,
                sent=self.sent_count,
                delivered=self.delivered_count,
            )
        )
        self._notify_progress()
        return True

    def _lock_for_check(self):
        """Take the run's row for this check. A check is enqueued after every job, so two can run
        at once: the one that finds the row taken (or changed since it started) is tried again
        in a few seconds, rather than failing on the other's update (which PostgreSQL reports,
        and Odoo logs, as a serialization error)."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL("SELECT id FROM monthly_settlement_month_end WHERE id = %s FOR NO KEY UPDATE NOWAIT", self.id)
                )
        except (LockNotAvailable, SerializationFailure) as error:
            raise RetryableJobError(
                self.env._("Another job is checking this run."), seconds=5, ignore_retry=True
            ) from error

    def _on_job_failed(self, exc_info=None, exc_name=None, exc_message=None):
        """queue_job's on-fail hook (its job function's `on_fail_method`): a job gave up."""
        for run in self:
            run.state = "failed"
            reason = exc_message or exc_name or ""
            for user in run._get_responsible():
                run.with_context(lang=user.lang or self.env.lang).activity_schedule(
                    "monthly_settlement_month_end.mail_activity_month_end_failed", user_id=user.id, note=reason
                )
            run._tell_responsible(self.env._("A month-end job failed: %(reason)s", reason=reason))
        self._notify_progress()

    def _get_responsible(self):
        """Who is told: the run's accountants, else the company's settlement managers."""
        self.ensure_one()
        if self.user_ids:
            return self.user_ids
        managers = self.env.ref("monthly_settlement.group_settlement_manager").sudo().user_ids
        return managers.filtered(lambda user: self.company_id in user.company_ids and not user._is_superuser())

    def _failed_jobs(self):
        return self.sudo().job_ids.filtered(lambda job: job.state == "failed")

    def _tell_responsible(self, body):
        self.ensure_one()
        self.message_post(
            body=body,
            partner_ids=self._get_responsible().partner_id.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )

    def _notify_progress(self):
        """Live refresh of the month-end views open (see static/src/views): a bus notification to
        the reviewers, who read runs."""
        if self:
            self.env["bus.bus"]._sendone(
                self.env.ref("monthly_settlement.group_settlement_reviewer"), BUS_PROGRESS, {"ids": self.ids}
            )

    @api.model
    def _demo_plan_runs(self):
        """Demo: a run per company, statement date and type of the statements there are (their
        customers counted as due), and the PDFs of the statements waiting for their email queued."""
        statements = (
            self.env["monthly.settlement.statement"]
            .sudo()
            .search([("superseded_by_id", "=", False), ("state", "!=", "cancel")])
        )
        for (company, date, statement_type), group in statements.grouped(
            lambda statement: (statement.company_id, statement.period_end, statement.statement_type)
        ).items():
            run = self._get_run(company, date, statement_type)
            run.customer_count = len(group.partner_id)
            run._add_responsible(group.mapped(lambda statement: statement.accountant_id or statement.approve_uid))
        self.env["monthly.settlement.statement"].sudo()._cron_render_pdfs()
        # A handful of runs, in the demo.
        for run in self.sudo().search([]):  # pylint: disable=no-search-all
            if not run.job_ids:
                run._job_check_finished()  # nothing left to do: finished

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_retry(self):
        """Requeue the run's failed jobs, and email again the statements whose email failed."""
        check_settlement_group(self.env, "reviewer")
        for run in self:
            failed = run._failed_jobs()
            failed.requeue()
            emails = (
                self.env["monthly.settlement.statement"]
                .sudo()
                .search(
                    [
                        *run._statement_domain(),
                        ("superseded_by_id", "=", False),
                        ("state", "=", "approved"),
                        ("delivery_state", "=", "failed"),
                    ]
                )
            )
            # The email job sends what waits for an email: a failed one waits again.
            emails._transition({"delivery_state": False})
            run.sudo()._enqueue_statements("send", emails)
            run.sudo()._reopen()
            if not failed and not emails:
                raise UserError(self.env._("Nothing failed in %(run)s: there is nothing to retry.", run=run.name))
        return True

    def action_open_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("monthly_settlement.action_monthly_settlement_statement")
        action["domain"] = self._statement_domain()
        action["context"] = {}
        return action
