from odoo import fields, models


class MonthlySettlementMarkSent(models.TransientModel):
    _name = "monthly.settlement.mark.sent"
    _description = "Mark Customer Statements as Sent"

    statement_ids = fields.Many2many(
        "monthly.settlement.statement", "monthly_settlement_mark_sent_statement_rel", required=True
    )
    sent_on = fields.Date(
        default=fields.Date.context_today,
        help="The day the statement was handed over or posted.",
    )

    def action_mark_sent(self):
        self.ensure_one()
        self.statement_ids._mark_sent(self.sent_on)
        return {"type": "ir.actions.act_window_close"}
