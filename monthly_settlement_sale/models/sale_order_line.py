from odoo import models


class SaleOrderLine(models.Model):
    """Invoicing a delivery statement: the quantity the customer confirmed."""

    _inherit = "sale.order.line"

    def _prepare_invoice_line(self, **optional_values):
        quantities = self.env.context.get("settlement_invoice_quantities")
        if quantities and self.id in quantities:
            optional_values["quantity"] = quantities[self.id]
        return super()._prepare_invoice_line(**optional_values)
