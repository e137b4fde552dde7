from odoo import fields, models


class MonthlySettlementMarkSent(models.TransientModel):
    _name = "monthly.settlement.mark.sent"
    _description = "Mark Customer Statements as Sent"

    sent_on = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The day the statement was handed over or posted.",
    )

    def action_mark_sent(self):
        self.ensure_one()
        statements = self.env["monthly.settlement.statement"].browse(self.env.context.get("active_ids", []))
        statements._mark_sent(self.sent_on)
        return {"type": "ir.actions.act_window_close"}
