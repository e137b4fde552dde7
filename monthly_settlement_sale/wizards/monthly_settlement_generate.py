from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.monthly_settlement.models.monthly_settlement_statement import STATEMENT_TYPES


class MonthlySettlementGenerate(models.TransientModel):
    _inherit = "monthly.settlement.generate"

    statement_type = fields.Selection(
        STATEMENT_TYPES,
        string="Make",
        default="account",
        required=True,
        help="Delivery statements: the deliveries not invoiced yet of the customers on statement before invoice.",
    )

    def _statement_type(self):
        return self.statement_type

    def _get_partners(self):
        partners = super()._get_partners()
        if self.statement_type != "delivery":
            return partners
        statement_first = partners.filtered(lambda partner: partner._is_statement_first())
        if not statement_first:
            raise UserError(self.env._("None of these customers agrees a delivery statement before invoicing."))
        return statement_first

    def _generate(self, partners):
        if self.statement_type != "delivery":
            return super()._generate(partners)
        statements, left = self.env["monthly.settlement.statement"]._generate_delivery_statements(
            partners, self.date_to
        )
        return statements, left, self.env["monthly.settlement.delivery.engine"]._jobs(partners, self.date_to)
