from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    settlement_credit_control = fields.Selection(related="company_id.settlement_credit_control", readonly=False)
    settlement_credit_overdue_days = fields.Integer(related="company_id.settlement_credit_overdue_days", readonly=False)
    settlement_credit_dispute_days = fields.Integer(related="company_id.settlement_credit_dispute_days", readonly=False)
