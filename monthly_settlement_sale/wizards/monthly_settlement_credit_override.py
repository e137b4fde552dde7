from odoo import api, fields, models


class MonthlySettlementCreditOverride(models.TransientModel):
    """A settlement manager confirms a quotation on credit hold and says why."""

    _name = "monthly.settlement.credit.override"
    _description = "Override Credit Hold"

    order_id = fields.Many2one("sale.order", required=True, readonly=True, ondelete="cascade")
    issues = fields.Text(compute="_compute_issues")
    reason = fields.Text()  # the override asks for it, in the user's language

    @api.depends("order_id")
    def _compute_issues(self):
        for wizard in self:
            wizard.issues = "\n".join(wizard.order_id._get_settlement_credit_reasons())

    def action_confirm(self):
        self.ensure_one()
        return self.order_id._override_settlement_credit(self.reason)
