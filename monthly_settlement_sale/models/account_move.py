from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    settlement_delivery_statement_ids = fields.Many2many(
        "monthly.settlement.statement",
        "monthly_settlement_statement_delivery_invoice_rel",
        "move_id",
        "statement_id",
        string="Delivery Statements",
        readonly=True,
        copy=False,
        help="The delivery statements whose confirmed deliveries this invoice bills.",
    )
