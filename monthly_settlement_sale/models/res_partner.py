from odoo import api, fields, models

# Customers who agree the month's deliveries before they accept an invoice (先对账后开票).
STATEMENT_FIRST_MODE = "monthly_statement_first"


class ResPartner(models.Model):
    _inherit = "res.partner"

    settlement_mode = fields.Selection(
        selection_add=[(STATEMENT_FIRST_MODE, "Monthly, statement before invoice")],
        ondelete={STATEMENT_FIRST_MODE: lambda partners: partners.write({"settlement_mode": "monthly"})},
    )
    settlement_delivery_invoicing = fields.Selection(
        [("statement", "One invoice per delivery statement"), ("order", "One invoice per order")],
        string="Invoices of Confirmed Deliveries",
        default="statement",
        required=True,
        help="Statement before invoice: the invoices made when the customer confirms a delivery statement.",
    )

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "settlement_delivery_invoicing"]

    def write(self, vals):
        """How confirmed deliveries are invoiced is a settlement term: the settlement managers' to change."""
        if "settlement_delivery_invoicing" in vals and any(
            partner.commercial_partner_id == partner for partner in self
        ):
            self._check_settlement_manager()
        return super().write(vals)

    def _is_statement_first(self):
        """The customer agrees a delivery statement before being invoiced."""
        self.ensure_one()
        return self.commercial_partner_id.settlement_mode == STATEMENT_FIRST_MODE

    @api.model
    def _search_statement_first_customers(self, company):
        return self._search_monthly_customers(company).filtered(lambda partner: partner._is_statement_first())
