"""The customer's answers to a statement: waiting for them, confirmation (on the portal with name
and signature, or recorded by a reviewer), dispute of lines, and deemed confirmation of unanswered
statements. The emails that chase an answer are confirmation follow-ups (monthly.settlement.reminder)."""

from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools import settlement_calendar
from ..tools.access import check_settlement_group

# What a reviewer may record: a confirmation settles a dispute or comes after deemed
# confirmation too; a dispute answers a statement still waiting for its answer.
CONFIRMABLE_STATES = {"sent", "disputed", "deemed"}
DISPUTABLE_STATES = {"sent"}
ANSWER_CHANNELS = [
    ("portal", "Portal"),
    ("phone", "Phone"),
    ("letter", "Letter"),
    ("email", "Email"),
    ("stamped_copy", "Stamped copy"),
]


class MonthlySettlementStatementAnswer(models.AbstractModel):
    """Part of monthly.settlement.statement, which inherits it: the customer's answers, kept apart."""

    _name = "monthly.settlement.statement.answer"
    _description = "Customer Statement Answers"

    confirm_days = fields.Integer(
        string="Deemed Confirmed After (Days)",
        readonly=True,
        copy=False,
        help="The customer's terms when the statement was approved: unanswered this many days after "
        "sending, it counts as confirmed. 0: never. Printed on the statement and kept as it was.",
    )
    answer_date = fields.Datetime(
        string="Answered on", readonly=True, copy=False, help="When the customer confirmed or disputed."
    )
    confirm_name = fields.Char(
        string="Answered by (Name)", readonly=True, copy=False, help="Who confirmed or disputed for the customer."
    )
    confirm_signature = fields.Image(
        string="Customer Signature", readonly=True, copy=False, max_width=1024, max_height=1024
    )
    confirm_ip = fields.Char(string="Confirmed from (IP)", readonly=True, copy=False)
    dispute_comment = fields.Text(string="Customer's Dispute", readonly=True, copy=False)
    answer_channel = fields.Selection(
        ANSWER_CHANNELS, string="Received by", readonly=True, copy=False, help="How the customer's answer came."
    )
    answer_uid = fields.Many2one(
        "res.users",
        string="Answer Recorded by",
        readonly=True,
        copy=False,
        help="For answers given outside the portal.",
    )
    answer_attachment_id = fields.Many2one(
        "ir.attachment",
        string="Customer's Document",
        readonly=True,
        copy=False,
        help="The stamped statement or letter.",
    )
    is_awaiting_answer = fields.Boolean(
        string="Waiting for the Customer",
        compute="_compute_is_awaiting_answer",
        store=True,
        index=True,
        help="Sent, and neither confirmed nor disputed yet (nor replaced by a newer revision): the "
        "customer's answer is awaited and confirmation follow-ups chase it.",
    )
    days_since_sent = fields.Integer(
        string="Days Since Sending",
        compute="_compute_days_since_sent",
        help="Days from the day the statement was sent to today.",
    )
    unanswered_activity_date = fields.Date(
        string="Unanswered After Follow-ups On",
        readonly=True,
        copy=False,
        help="The day after the last confirmation follow-up, still without an answer: the responsible "
        "accountant (else the salesperson) was asked to call the customer.",
    )

    @api.depends("is_with_customer", "state")
    def _compute_is_awaiting_answer(self):
        for statement in self:
            statement.is_awaiting_answer = statement.is_with_customer and statement.state == "sent"

    @api.depends("send_date")
    @api.depends_context("tz")
    def _compute_days_since_sent(self):
        today = fields.Date.context_today(self)
        for statement in self:
            statement.days_since_sent = (today - statement._get_send_day()).days if statement.send_date else 0

    def _get_send_day(self):
        """The day the statement was sent: what confirmation follow-ups and deemed confirmation
        count from."""
        self.ensure_one()
        return self.send_date and self.send_date.date()

    def _get_deemed_date(self):
        """The last day the customer has to answer (send day + the days frozen on the statement):
        unanswered, it counts as confirmed from the next day on. None when silence never confirms."""
        self.ensure_one()
        if not (self.confirm_days and self.send_date):
            return None
        return self._get_send_day() + timedelta(days=self.confirm_days)

    # ------------------------------------------------------------------
    # Recording an answer: on the portal, or by a reviewer for one given another way
    # ------------------------------------------------------------------

    def _notified_user(self):
        """Who hears about the customer's answer."""
        return self.accountant_id or self.user_id or self.approve_uid

    def _check_answerable(self, channel, allowed_states):
        """The customer answers a sent statement on the portal; a reviewer may also record a
        confirmation of a disputed or deemed-confirmed statement (the dispute settled)."""
        if channel == "portal":
            if not self.is_awaiting_answer:
                raise UserError(self.env._("This statement is not waiting for your answer any more."))
        else:
            self._check_state(allowed_states, self.env._("record an answer for"))

    def _answer_date(self, answered_on):
        """When the answer was given: now on the portal, the day a reviewer says otherwise (at noon,
        so that the day reads the same in every time zone)."""
        if not answered_on:
            return fields.Datetime.now()
        if answered_on > fields.Date.context_today(self):
            raise UserError(self.env._("The customer cannot have answered in the future."))
        if self.send_date and answered_on < self._get_send_day():
            raise UserError(
                self.env._(
                    "The statement was sent on %(date)s: the customer cannot have answered before.",
                    date=format_date(self.env, self.send_date),
                )
            )
        return settlement_calendar.noon(answered_on)

    def _answer_values(self, channel, answered_on, attachment):
        """Who recorded the answer, how and when it came, and the document that proves it."""
        values = {
            "answer_date": self._answer_date(answered_on),
            "answer_channel": channel,
            "answer_uid": self.env.uid if channel != "portal" else False,
            "answer_attachment_id": False,
        }
        if attachment:
            name, content = attachment
            values["answer_attachment_id"] = (
                self.env["ir.attachment"]
                .sudo()
                .create({"name": name, "raw": content, "res_model": self._name, "res_id": self.id})
                .id
            )
        return values

    def _answer_recorded_note(self, channel, answered_on):
        """How the answer came, for the chatter: nothing to add for the portal."""
        if channel == "portal":
            return Markup()
        channels = dict(self._fields["answer_channel"]._description_selection(self.env))
        return Markup("<p>%s</p>") % self.env._(
            "Received by %(channel)s on %(date)s, recorded by %(user)s.",
            channel=channels[channel],
            date=format_date(self.env, answered_on or fields.Date.context_today(self)),
            user=self.env.user.name,
        )

    def _record_confirmation(
        self, name, channel="portal", answered_on=None, signature=None, ip=None, author=None, attachment=None
    ):
        """The customer confirms the balance: on the portal (typing their name, maybe signing), or by
        phone, letter, email or a stamped copy that a reviewer records (``attachment``: (name, bytes))."""
        self.ensure_one()
        self._check_answerable(channel, CONFIRMABLE_STATES)
        name = (name or "").strip()
        if not name:
            raise UserError(
                self.env._("Type your name to confirm the statement.")
                if channel == "portal"
                else self.env._("Say who confirmed the statement for the customer.")
            )
        values = self._answer_values(channel, answered_on, attachment)
        self._transition(
            {
                **values,
                "state": "confirmed",
                "confirm_name": name[:128],
                "confirm_signature": signature or False,
                "confirm_ip": ip or False,
            }
        )
        self.message_post(
            body=(Markup("<p>%s</p>") % self.env._("Balance confirmed by %(name)s.", name=name))
            + self._answer_recorded_note(channel, answered_on),
            author_id=(author or self.partner_id).id if channel == "portal" else None,
            message_type="comment",
            subtype_xmlid="mail.mt_comment" if channel == "portal" else "mail.mt_note",
            partner_ids=self._notified_user().partner_id.ids if channel == "portal" else [],
            attachment_ids=[values["answer_attachment_id"]] if values["answer_attachment_id"] else [],
        )

    def _record_dispute(
        self, line_comments, comment, channel="portal", answered_on=None, name=None, author=None, attachment=None
    ):
        """The customer disputes lines (``{line_id: comment}``) and/or the whole statement, and says
        why: a reason per flagged line or an overall one is required."""
        self.ensure_one()
        self._check_answerable(channel, DISPUTABLE_STATES)
        comment = (comment or "").strip()
        line_comments = {line_id: (text or "").strip() for line_id, text in line_comments.items()}
        lines = self.line_ids.filtered(lambda line: line.id in line_comments and line.line_type != "opening")
        if len(lines) != len(line_comments):
            raise UserError(self.env._("Some of the flagged lines are not lines of this statement."))
        if not comment and not any(line_comments.values()):
            raise UserError(
                self.env._("Say what is wrong: a comment on the flagged lines or about the statement as a whole.")
            )
        values = self._answer_values(channel, answered_on, attachment)
        for line in lines:
            line.sudo().write({"is_disputed": True, "dispute_comment": line_comments[line.id]})
        self._transition(
            {**values, "state": "disputed", "dispute_comment": comment, "confirm_name": (name or "").strip()[:128]}
        )
        details = Markup("").join(
            Markup("<li>%s %s: %s</li>") % (line.name or "", line.date or "", line.dispute_comment or "")
            for line in lines
        )
        reasons = (Markup("<p>%s</p>") % comment if comment else Markup()) + (
            Markup("<ul>%s</ul>") % details if details else Markup()
        )
        self.message_post(
            body=Markup("<p>%s</p>") % self.env._("The customer disputes this statement.")
            + reasons
            + self._answer_recorded_note(channel, answered_on),
            author_id=(author or self.partner_id).id if channel == "portal" else None,
            message_type="comment",
            subtype_xmlid="mail.mt_comment" if channel == "portal" else "mail.mt_note",
            attachment_ids=[values["answer_attachment_id"]] if values["answer_attachment_id"] else [],
        )
        user = self._notified_user()
        if user and user != self.env.user:
            # The customer's own words; the summary comes in the accountant's language.
            self._schedule_activity_for(user, "monthly_settlement.mail_activity_statement_disputed", note=reasons)

    def action_customer_confirmed(self):
        """Record a confirmation the customer gave outside the portal: who, when, how, and the
        stamped copy if there is one."""
        check_settlement_group(self.env, "reviewer")
        self._check_state(CONFIRMABLE_STATES, self.env._("record a confirmation for"))
        return self._open_statement_wizard(
            "monthly.settlement.answer", self.env._("Customer Confirmed"), kind="confirm"
        )

    def action_customer_disputed(self):
        """Record a dispute the customer raised outside the portal: the lines, why, who and how."""
        check_settlement_group(self.env, "reviewer")
        self._check_state(DISPUTABLE_STATES, self.env._("record a dispute for"))
        return self._open_statement_wizard("monthly.settlement.answer", self.env._("Customer Disputes"), kind="dispute")

    @api.model
    def _cron_deem_confirmed(self):
        """Statements the customer left unanswered longer than their terms allow count as
        confirmed (逾期未回复视为确认): from the day after the last day to answer."""
        today = fields.Date.context_today(self)
        sent = self.search([("is_awaiting_answer", "=", True), ("confirm_days", ">", 0), ("send_date", "!=", False)])
        deemed = sent.filtered(lambda statement: statement._get_deemed_date() < today)
        deemed._transition({"state": "deemed", "answer_date": fields.Datetime.now()})
        template = self.env.ref("monthly_settlement.mail_template_statement_deemed")
        for statement in deemed:
            statement.with_context(
                lang=statement._get_statement_lang(), mail_notify_force_send=True
            ).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=[Command.set(statement._get_statement_recipients().ids)],
            )
        return deemed
