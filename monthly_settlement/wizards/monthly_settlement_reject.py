from odoo import fields, models


class MonthlySettlementReject(models.TransientModel):
    _name = "monthly.settlement.reject"
    _description = "Reject Customer Statements"

    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        statements = self.env["monthly.settlement.statement"].browse(self.env.context.get("active_ids", []))
        statements._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
