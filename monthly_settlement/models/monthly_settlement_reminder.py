import logging
from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models
from odoo.tools import format_amount, format_date

from ..tools.cron import process_in_batches

_logger = logging.getLogger(__name__)

REMINDER_BATCH_SIZE = 50
# Days after the last step of a schedule during which an email missed (cron down, statement
# sent late, feature just installed) still goes out; older unpaid statements are the
# salesperson's, older unanswered ones the accountant's.
REMINDER_CATCH_UP_DAYS = 30
# A disputed statement waits for our answer (a corrected revision or the customer's
# confirmation): asking for its payment meanwhile would contradict the dispute. The steps
# missed meanwhile are caught up by the latest due one once it is settled; a dispute left
# too long is the credit control's business (monthly_settlement_sale).
PAUSED_STATES = ("disputed",)


class MonthlySettlementReminder(models.Model):
    """An email of a company's schedule sent for a statement (a payment reminder or a
    confirmation follow-up, see the step's kind): which step, when, to whom, for how much.

    It also makes sending idempotent: a statement gets each step at most once. One scheduled
    action per kind (`_cron_send_reminders`) runs the same loop, each kind with its own
    statements (`_prepare_payment_reminders`, `_prepare_confirmation_follow_ups`).
    """

    _name = "monthly.settlement.reminder"
    _description = "Statement Reminder"
    _order = "date desc, id desc"
    _rec_name = "step_id"

    statement_id = fields.Many2one(
        "monthly.settlement.statement", required=True, readonly=True, ondelete="cascade", index=True
    )
    step_id = fields.Many2one("monthly.settlement.reminder.step", required=True, readonly=True, ondelete="restrict")
    kind = fields.Selection(related="step_id.kind", store=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="statement_id.partner_id", string="Customer", store=True)
    date = fields.Date(required=True, readonly=True, help="Day the reminder was sent.")
    days = fields.Integer(
        readonly=True,
        help="Days from the due date (payment reminders; negative: before) or from the sending of the "
        "statement (confirmation follow-ups) to this email.",
    )
    open_amount = fields.Monetary(readonly=True, help="What was still unpaid when the payment reminder went out.")
    currency_id = fields.Many2one(related="statement_id.currency_id")
    recipient_ids = fields.Many2many("res.partner", string="Recipients", readonly=True)
    message_id = fields.Many2one("mail.message", string="Email", readonly=True, ondelete="set null")

    _unique_step = models.Constraint(
        "UNIQUE (statement_id, step_id)",
        "This reminder was already sent for this statement.",
    )

    @api.model
    def _cron_send_reminders(self, kind):
        """Daily, one scheduled action per kind: each company's due emails of ``kind`` and what
        follows them, in committed batches."""
        today = fields.Date.context_today(self)
        # Companies are a handful: no limit needed.
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            for items, process in self.with_company(company)._get_daily_work(kind, today):
                if not process_in_batches(self.env, items, REMINDER_BATCH_SIZE, process):
                    return  # out of time: the next run goes on

    @api.model
    def _get_daily_work(self, kind, today):
        """What the scheduled action of ``kind`` does for the current company on ``today``, in
        order: (items, process(batch)) pairs, each computed when its turn comes (the demo
        replays past days with it)."""
        if kind == "payment":
            due = self._prepare_payment_reminders(today)
        else:
            due = self._prepare_confirmation_follow_ups(today)
        yield due, lambda batch: self._send_reminders(batch, today)
        if kind == "confirmation":
            yield (
                self._prepare_unanswered_activities(today),
                lambda statements: self._schedule_unanswered_activities(statements, today),
            )

    @api.model
    def _prepare_payment_reminders(self, today):
        """The current company's reminders due ``today``: [(statement, step, open amount)].

        A statement gets the latest step whose day has come, if it did not get it yet and
        still has an open amount: a cron that missed days sends one reminder, not every
        step it missed. Follow-up activities of statements paid or replaced since are closed.
        """
        company = self.env.company
        steps = self.env["monthly.settlement.reminder.step"].search(
            [("company_id", "=", company.id), ("kind", "=", "payment")]
        )
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
    def _prepare_confirmation_follow_ups(self, today):
        """The current company's confirmation follow-ups due ``today``: [(statement, step, None)].

        Statements still waiting for the customer's answer, of customers who get statements by
        email (paper-only customers are reminded by whoever hands them over), get the latest
        step whose day has come, as payment reminders do, among the steps before the day they
        would be deemed confirmed.
        """
        company = self.env.company
        steps = self.env["monthly.settlement.reminder.step"].search(
            [("company_id", "=", company.id), ("kind", "=", "confirmation")]
        )
        if not steps:
            return []
        statement_model = self.env["monthly.settlement.statement"]
        # send_date is a datetime: the statement's send day (see _get_send_day) is its date.
        sent_until = today - timedelta(days=steps[0].days - 1)
        sent_since = today - timedelta(days=steps[-1].days + REMINDER_CATCH_UP_DAYS)
        statements = statement_model.search(
            [
                ("is_awaiting_answer", "=", True),
                ("partner_id.settlement_delivery_email", "=", True),
                ("company_id", "=", company.id),
                ("send_date", "<", datetime.combine(sent_until, time.min)),
                ("send_date", ">=", datetime.combine(sent_since, time.min)),
            ]
        )
        return [(statement, step, None) for statement, step in self._get_due_steps(statements, steps, today).items()]

    @api.model
    def _send_reminders(self, reminders, today):
        """Send [(statement, step, open amount)]; a statement that cannot be mailed is logged
        and left for the next run, without stopping the others."""
        for statement, step, open_amount in reminders:
            try:
                with self.env.cr.savepoint():
                    self._send_reminder(statement, step, open_amount, today)
            except Exception:  # whatever the cause, the other customers still get theirs
                _logger.exception("Reminder of statement %s failed", statement.display_name)

    @api.model
    def _get_due_steps(self, statements, steps, today):
        """{statement: step to send} for ``steps`` of one kind: the latest step whose day has
        come among those the statement may get, unless it got it already (or, for the kinds
        whose steps revisions share, one of its previous revisions did)."""
        current_of = {statement.id: statement for statement in statements}  # revision id -> latest revision
        revisions = statements if steps._is_shared_by_revisions() else statements.browse()
        while revisions:  # one query per revision level, whatever the number of statements
            for revision in revisions.filtered("previous_revision_id"):
                current_of[revision.previous_revision_id.id] = current_of[revision.id]
            revisions = revisions.previous_revision_id
        sent = {
            (current_of[statement.id].id, step.id)
            for statement, step in self._read_group(
                [("statement_id", "in", list(current_of)), ("step_id", "in", steps.ids)], ["statement_id", "step_id"]
            )
        }
        due_steps = {}
        for statement in statements:
            elapsed = (today - steps._get_start_date(statement)).days
            due = [step for step in steps if step.days <= elapsed and step._is_for(statement, elapsed)]
            if due and (statement.id, due[-1].id) not in sent:
                due_steps[statement] = due[-1]
        return due_steps

    @api.model
    def _send_reminder(self, statement, step, open_amount, today):
        """Email the step to the statement's recipients, record it, and from the first overdue
        payment reminder on give the salesperson a follow-up activity."""
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
                "days": (today - step._get_start_date(statement)).days,
                "open_amount": open_amount,
                "recipient_ids": message.partner_ids.ids,
                "message_id": message.id,
            }
        )
        if step.kind == "payment" and step.days > 0:
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

    # ------------------------------------------------------------------
    # Statements left unanswered after the confirmation follow-ups
    # ------------------------------------------------------------------

    @api.model
    def _prepare_unanswered_activities(self, today):
        """The current company's statements still unanswered after the last step of its
        confirmation follow-ups (sent before ``today``) that have not had their activity yet.
        The activities of statements answered since (or deemed confirmed, replaced, cancelled)
        are closed."""
        company = self.env.company
        statement_model = self.env["monthly.settlement.statement"]
        answered = statement_model.search(
            [
                ("company_id", "=", company.id),
                ("is_awaiting_answer", "=", False),
                ("activity_ids.activity_type_id", "=", self._unanswered_activity_type().id),
            ]
        )
        for statement in answered:
            activities = statement.activity_ids.filtered(
                lambda activity: activity.activity_type_id == self._unanswered_activity_type()
            )
            env = self.with_context(lang=activities.user_id[:1].lang or self.env.lang).env  # the assignee's words
            if statement.superseded_by_id:
                feedback = env._("Replaced by a new revision of the statement")
            else:
                feedback = dict(statement._fields["state"]._description_selection(env))[statement.state]
            activities.action_feedback(feedback=feedback)
        last_step = self.env["monthly.settlement.reminder.step"].search(
            [("company_id", "=", company.id), ("kind", "=", "confirmation")], order="days desc", limit=1
        )
        if not last_step:
            return statement_model
        return statement_model.search(
            [
                ("company_id", "=", company.id),
                ("is_awaiting_answer", "=", True),
                ("unanswered_activity_date", "=", False),
                ("reminder_ids", "any", [("step_id", "=", last_step.id), ("date", "<", today)]),
            ]
        )

    @api.model
    def _schedule_unanswered_activities(self, statements, today):
        """Ask the responsible accountant (else the salesperson) of each of ``statements`` to
        call the customer, once per statement."""
        for statement in statements:
            user = statement.accountant_id or statement.user_id
            if not user:
                continue  # whoever is made responsible later gets it on the next run
            env = self.with_context(lang=user.sudo().lang).env  # the note is for the assignee to read
            note = env._(
                "Statement %(statement)s was sent on %(date)s and the customer has not answered "
                "%(count)s follow-up emails. Call them: ask them to confirm the balance or to tell "
                "you what is wrong.",
                statement=statement.display_name,
                date=format_date(env, statement._get_send_day()),
                count=len(statement.reminder_ids.filtered(lambda reminder: reminder.kind == "confirmation")),
            )
            statement._schedule_activity_for(
                user, "monthly_settlement.mail_activity_statement_unanswered", note=note, date_deadline=today
            )
            statement._transition({"unanswered_activity_date": today})

    @api.model
    def _unanswered_activity_type(self):
        return self.env.ref("monthly_settlement.mail_activity_statement_unanswered")
