from odoo import fields, models


class MonthlySettlementReject(models.TransientModel):
    _name = "monthly.settlement.reject"
    _description = "Reject Customer Statements"

    statement_ids = fields.Many2many(
        "monthly.settlement.statement", "monthly_settlement_reject_statement_rel", required=True
    )
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.statement_ids._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
