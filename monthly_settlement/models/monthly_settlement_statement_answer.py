"""The customer's answers to a statement: waiting for them, confirmation (on the portal with name
and signature, or recorded by a reviewer), dispute of lines, and deemed confirmation of unanswered
statements. The emails that chase an answer are confirmation follow-ups (monthly.settlement.reminder)."""

from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.access import check_settlement_group


class MonthlySettlementStatement(models.Model):
    _inherit = "monthly.settlement.statement"

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
    confirm_name = fields.Char(string="Confirmed by (Name)", readonly=True, copy=False)
    confirm_signature = fields.Image(
        string="Customer Signature", readonly=True, copy=False, max_width=1024, max_height=1024
    )
    confirm_ip = fields.Char(string="Confirmed from (IP)", readonly=True, copy=False)
    dispute_comment = fields.Text(string="Customer's Dispute", readonly=True, copy=False)
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

    def _check_portal_answerable(self):
        if not self.is_awaiting_answer:
            raise UserError(self.env._("This statement is not waiting for your answer any more."))

    def _portal_notified_user(self):
        return self.accountant_id or self.user_id or self.approve_uid

    def _portal_confirm(self, name, signature=None, ip=None, author=None):
        """The customer confirms the balance, typing their name (and maybe signing)."""
        self.ensure_one()
        self._check_portal_answerable()
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Type your name to confirm the statement."))
        self._transition(
            {
                "state": "confirmed",
                "answer_date": fields.Datetime.now(),
                "confirm_name": name[:128],
                "confirm_signature": signature or False,
                "confirm_ip": ip,
            }
        )
        self.message_post(
            body=self.env._("Balance confirmed by %(name)s.", name=name),
            author_id=(author or self.partner_id).id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self._portal_notified_user().partner_id.ids,
        )

    def _portal_dispute(self, line_comments, comment, author=None):
        """The customer disputes lines (``{line_id: comment}``) and/or the whole statement."""
        self.ensure_one()
        self._check_portal_answerable()
        comment = (comment or "").strip()
        lines = self.line_ids.filtered(lambda line: line.id in line_comments and line.line_type != "opening")
        if len(lines) != len(line_comments):
            raise UserError(self.env._("Some of the flagged lines are not lines of this statement."))
        if not lines and not comment:
            raise UserError(self.env._("Flag the lines you disagree with or say what is wrong."))
        for line in lines:
            line.sudo().write({"is_disputed": True, "dispute_comment": (line_comments[line.id] or "").strip()})
        self._transition({"state": "disputed", "answer_date": fields.Datetime.now(), "dispute_comment": comment})
        details = Markup("").join(
            Markup("<li>%s %s: %s</li>") % (line.name or "", line.date or "", line.dispute_comment or "")
            for line in lines
        )
        body = Markup("<p>%s</p>") % self.env._("The customer disputes this statement.")
        if comment:
            body += Markup("<p>%s</p>") % comment
        if details:
            body += Markup("<ul>%s</ul>") % details
        self.message_post(
            body=body,
            author_id=(author or self.partner_id).id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        user = self._portal_notified_user()
        if user:
            # The customer's own words; the summary comes in the accountant's language.
            note = (Markup("<p>%s</p>") % comment if comment else Markup()) + (
                Markup("<ul>%s</ul>") % details if details else Markup()
            )
            self._schedule_activity_for(user, "monthly_settlement.mail_activity_statement_disputed", note=note)

    def action_customer_confirmed(self):
        """Record a confirmation the customer gave outside the portal (signed paper)."""
        check_settlement_group(self.env, "reviewer")
        self._check_state({"sent", "disputed", "deemed"}, self.env._("record a confirmation for"))
        self._transition({"state": "confirmed", "answer_date": fields.Datetime.now()})
        return True

    def action_customer_disputed(self):
        """Record a dispute the customer raised outside the portal."""
        check_settlement_group(self.env, "reviewer")
        self._check_state({"sent"}, self.env._("record a dispute for"))
        self._transition({"state": "disputed", "answer_date": fields.Datetime.now()})
        return True

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
