import base64

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.monthly_settlement_statement_answer import ANSWER_CHANNELS


class MonthlySettlementAnswer(models.TransientModel):
    """A reviewer records the customer's answer given outside the portal: a confirmation (who, when,
    how, the stamped copy) or a dispute (the lines and why), as the portal would have recorded it."""

    _name = "monthly.settlement.answer"
    _description = "Record the Customer's Answer"

    statement_ids = fields.Many2many(
        "monthly.settlement.statement", "monthly_settlement_answer_statement_rel", required=True
    )
    kind = fields.Selection([("confirm", "Confirmation"), ("dispute", "Dispute")], required=True, default="confirm")
    answered_by = fields.Char(
        string="Answered by", help="The person at the customer's who confirmed or disputed the statement."
    )
    answered_on = fields.Date(string="Answer Date", default=fields.Date.context_today)
    channel = fields.Selection([channel for channel in ANSWER_CHANNELS if channel[0] != "portal"], string="Received by")
    attachment = fields.Binary(string="Customer's Document", help="The stamped statement, letter or email.")
    attachment_name = fields.Char()
    line_ids = fields.One2many("monthly.settlement.answer.line", "answer_id", string="Lines")
    comment = fields.Text(string="Reason", help="What the customer says is wrong with the statement as a whole.")

    @api.model
    def default_get(self, fields):
        """A dispute offers every document of the statement, to tick and comment."""
        values = super().default_get(fields)
        if "line_ids" in fields and values.get("kind") == "dispute" and values.get("statement_ids"):
            statements = self.new({"statement_ids": values["statement_ids"]}).statement_ids
            values["line_ids"] = [
                Command.create({"statement_line_id": line.id})
                for line in statements.line_ids
                if line.line_type != "opening"
            ]
        return values

    def action_record(self):
        self.ensure_one()
        statement = self.statement_ids
        if len(statement) != 1:
            raise UserError(self.env._("Record the customer's answer one statement at a time."))
        if not self.channel or not self.answered_on:
            raise UserError(self.env._("Say how the customer's answer came and on which day."))
        attachment = (
            (self.attachment_name or "document", base64.b64decode(self.attachment)) if self.attachment else None
        )
        if self.kind == "confirm":
            statement._record_confirmation(
                self.answered_by, channel=self.channel, answered_on=self.answered_on, attachment=attachment
            )
        else:
            self._record_statement_dispute(
                statement,
                channel=self.channel,
                answered_on=self.answered_on,
                name=self.answered_by,
                attachment=attachment,
            )
        return {"type": "ir.actions.act_window_close"}

    def _record_statement_dispute(self, statement, **answer):
        """The dispute as the portal records it: the flagged lines with their comments and the
        overall reason (``answer``: channel, day, who, document)."""
        statement._record_dispute(
            {line.statement_line_id.id: line.comment for line in self.line_ids if line.is_disputed},
            self.comment,
            **answer,
        )


class MonthlySettlementAnswerLine(models.TransientModel):
    _name = "monthly.settlement.answer.line"
    _description = "Line of a Recorded Dispute"

    answer_id = fields.Many2one("monthly.settlement.answer", required=True, ondelete="cascade")
    statement_line_id = fields.Many2one("monthly.settlement.statement.line", required=True, ondelete="cascade")
    date = fields.Date(related="statement_line_id.date")
    name = fields.Char(related="statement_line_id.name")
    amount = fields.Monetary(related="statement_line_id.amount")
    currency_id = fields.Many2one(related="statement_line_id.currency_id")
    is_disputed = fields.Boolean(string="Disputed")
    comment = fields.Char(string="Customer's Comment")
