from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    settlement_cycle = fields.Selection(related="company_id.settlement_cycle", readonly=False)
    settlement_cutoff_day = fields.Integer(related="company_id.settlement_cutoff_day", readonly=False)
    settlement_cutoff_month_end = fields.Boolean(related="company_id.settlement_cutoff_month_end", readonly=False)
    settlement_payment_days = fields.Integer(related="company_id.settlement_payment_days", readonly=False)
    settlement_payment_base = fields.Selection(related="company_id.settlement_payment_base", readonly=False)
    settlement_ageing_days = fields.Char(related="company_id.settlement_ageing_days", readonly=False)
    settlement_four_eyes = fields.Boolean(related="company_id.settlement_four_eyes", readonly=False)
    settlement_allow_source_changes = fields.Boolean(
        related="company_id.settlement_allow_source_changes", readonly=False
    )
