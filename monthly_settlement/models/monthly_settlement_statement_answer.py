"""The customer's answers to a statement: confirmation (on the portal with name and signature,
or recorded by a reviewer), dispute of lines, and deemed confirmation of unanswered statements."""

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
    def _check_portal_answerable(self):
        if self.state != "sent" or self.superseded_by_id:
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
        sent = self.search(
            [
                ("state", "=", "sent"),
                ("superseded_by_id", "=", False),
                ("confirm_days", ">", 0),
            ]
        )
        deemed = sent.filtered(
            lambda statement: (
                statement.send_date
                and statement.send_date.date() + timedelta(days=statement.confirm_days) < today
            )
        )
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
