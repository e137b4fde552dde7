from odoo import fields, models


class MonthlySettlementReject(models.TransientModel):
    _name = "monthly.settlement.reject"
    _description = "Reject Customer Statements"

    statement_ids = fields.Many2many(
        "monthly.settlement.statement", "monthly_settlement_reject_statement_rel", required=True
    )
    # Not required here: the rejection itself asks for it, in the user's language.
    reason = fields.Text()

    def action_reject(self):
        self.ensure_one()
        self.statement_ids._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
