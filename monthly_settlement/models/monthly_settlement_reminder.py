import bisect
import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import format_amount, format_date

from ..tools.cron import process_in_batches

_logger = logging.getLogger(__name__)

REMINDER_BATCH_SIZE = 50
# Days after the last step of the schedule during which a reminder missed (cron down,
# statement sent late) still goes out; older unpaid statements are the salesperson's.
REMINDER_CATCH_UP_DAYS = 30
# A disputed statement waits for our answer (a corrected revision or the customer's
# confirmation): asking for its payment meanwhile would contradict the dispute. The steps
# missed meanwhile are caught up by the latest due one once it is settled; a dispute left
# too long is the credit control's business (monthly_settlement_sale).
PAUSED_STATES = ("disputed",)


class MonthlySettlementReminder(models.Model):
    """A payment reminder sent for a statement: which step, when, to whom, for how much.

    It also makes sending idempotent: a statement gets each step at most once.
    """

    _name = "monthly.settlement.reminder"
    _description = "Payment Reminder"
    _order = "date desc, id desc"
    _rec_name = "step_id"

    statement_id = fields.Many2one(
        "monthly.settlement.statement", required=True, readonly=True, ondelete="cascade", index=True
    )
    step_id = fields.Many2one("monthly.settlement.reminder.step", required=True, readonly=True, ondelete="restrict")
    company_id = fields.Many2one(related="statement_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="statement_id.partner_id", string="Customer", store=True)
    date = fields.Date(required=True, readonly=True, help="Day the reminder was sent.")
    days = fields.Integer(
        string="Days After Due Date", readonly=True, help="Days from the due date to the sending (negative: before)."
    )
    open_amount = fields.Monetary(readonly=True, help="What was still unpaid when the reminder went out.")
    currency_id = fields.Many2one(related="statement_id.currency_id")
    recipient_ids = fields.Many2many("res.partner", string="Recipients", readonly=True)
    message_id = fields.Many2one("mail.message", string="Email", readonly=True, ondelete="set null")

    _unique_step = models.Constraint(
        "UNIQUE (statement_id, step_id)",
        "This reminder was already sent for this statement.",
    )

    @api.model
    def _cron_send_payment_reminders(self):
        """Daily: send each company's due payment reminders, in committed batches."""
        today = fields.Date.context_today(self)
        # Companies are a handful: no limit needed.
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            reminders = self.with_company(company)
            due = reminders._prepare_payment_reminders(today)
            if not process_in_batches(
                self.env,
                due,
                REMINDER_BATCH_SIZE,
                lambda batch, reminders=reminders: reminders._send_reminders(batch, today),
            ):
                return  # out of time: the next run goes on

    @api.model
    def _prepare_payment_reminders(self, today):
        """The current company's reminders due ``today``: [(statement, step, open amount)].

        A statement gets the latest step whose day has come, if it did not get it yet and
        still has an open amount: a cron that missed days sends one reminder, not every
        step it missed. Follow-up activities of statements paid or replaced since are closed.
        """
        company = self.env.company
        steps = self.env["monthly.settlement.reminder.step"].search([("company_id", "=", company.id)])
        if not steps:
            return []
        statement_model = self.env["monthly.settlement.statement"]
        statements = statement_model.search(
            [
                *statement_model._get_payment_chased_domain(),
                ("state", "not in", PAUSED_STATES),
                ("company_id", "=", company.id),
                ("date_due", "<=", today - timedelta(days=steps[0].days)),
                ("date_due", ">=", today - timedelta(days=steps[-1].days + REMINDER_CATCH_UP_DAYS)),
            ]
        )
        due_steps = self._get_due_steps(statements, steps, today)
        followed = statement_model.search(
            [
                ("company_id", "=", company.id),
                ("activity_ids.activity_type_id", "=", self._follow_up_activity_type().id),
            ]
        )
        open_amounts = statement_model.concat(*due_steps, followed)._get_open_amounts()
        is_paid = {
            statement: statement.currency_id.compare_amounts(open_amounts[statement.id], 0.0) <= 0
            for statement in statement_model.browse(open_amounts)
        }
        followed.filtered(is_paid.get).activity_feedback(
            ["monthly_settlement.mail_activity_payment_follow_up"], feedback=self.env._("Paid")
        )
        followed.filtered(lambda statement: statement.superseded_by_id and not is_paid[statement]).activity_feedback(
            ["monthly_settlement.mail_activity_payment_follow_up"],
            feedback=self.env._("Replaced by a new revision of the statement"),
        )
        return [
            (statement, step, open_amounts[statement.id])
            for statement, step in due_steps.items()
            if not is_paid[statement]
        ]

    @api.model
    def _send_reminders(self, reminders, today):
        """Send [(statement, step, open amount)]; a statement that cannot be mailed is logged
        and left for the next run, without stopping the others."""
        for statement, step, open_amount in reminders:
            try:
                with self.env.cr.savepoint():
                    self._send_reminder(statement, step, open_amount, today)
            except Exception:  # whatever the cause, the other customers still get theirs
                _logger.exception("Payment reminder of statement %s failed", statement.display_name)

    @api.model
    def _get_due_steps(self, statements, steps, today):
        """{statement: step to send}: the latest step whose day has come, unless already sent
        for the statement or one of its previous revisions (a corrected statement does not
        repeat the reminders of the one it replaces)."""
        days = steps.mapped("days")
        current_of = {statement.id: statement for statement in statements}  # revision id -> latest revision
        revisions = statements
        while revisions:  # one query per revision level, whatever the number of statements
            for revision in revisions.filtered("previous_revision_id"):
                current_of[revision.previous_revision_id.id] = current_of[revision.id]
            revisions = revisions.previous_revision_id
        sent = {
            (current_of[statement.id].id, step.id)
            for statement, step in self._read_group(
                [("statement_id", "in", list(current_of))], ["statement_id", "step_id"]
            )
        }
        due_steps = {}
        for statement in statements:
            latest = bisect.bisect_right(days, (today - statement.date_due).days) - 1
            if latest >= 0 and (statement.id, steps[latest].id) not in sent:
                due_steps[statement] = steps[latest]
        return due_steps

    @api.model
    def _send_reminder(self, statement, step, open_amount, today):
        """Email the reminder to the statement's recipients, record it, and from the first
        overdue step on give the salesperson a follow-up activity."""
        message = statement.with_context(lang=statement._get_statement_lang()).message_post_with_source(
            step.mail_template_id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=[Command.set(statement._get_statement_recipients().ids)],
            email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
        )[:1]
        reminder = self.sudo().create(
            {
                "statement_id": statement.id,
                "step_id": step.id,
                "date": today,
                "days": (today - statement.date_due).days,
                "open_amount": open_amount,
                "recipient_ids": message.partner_ids.ids,
                "message_id": message.id,
            }
        )
        if step.days > 0:
            reminder._schedule_follow_up()
        return reminder

    def _schedule_follow_up(self):
        """One open follow-up per statement, for its salesperson (else its accountant):
        each overdue reminder brings its deadline to today."""
        self.ensure_one()
        statement = self.statement_id
        user = statement.user_id or statement.accountant_id
        if not user:
            return
        env = self.with_context(lang=user.lang).env  # the note is for the salesperson to read
        note = env._(
            "Reminder “%(step)s” sent: %(amount)s of statement %(statement)s is still unpaid "
            "(due on %(date_due)s). Call the customer.",
            step=self.step_id.with_env(env).display_name,
            amount=format_amount(env, self.open_amount, self.currency_id),
            statement=statement.display_name,
            date_due=format_date(env, statement.date_due),
        )
        follow_up = statement.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self._follow_up_activity_type()
        )
        if follow_up:
            follow_up.write({"date_deadline": self.date, "note": note})
        else:
            statement._schedule_activity_for(
                user, "monthly_settlement.mail_activity_payment_follow_up", note=note, date_deadline=self.date
            )

    @api.model
    def _follow_up_activity_type(self):
        return self.env.ref("monthly_settlement.mail_activity_payment_follow_up")
