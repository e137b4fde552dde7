"""Sale's own invoicing, held back for the delivery statements: a delivered line on an open delivery
statement is invoiced only when the customer answers it, with the quantity confirmed."""

from odoo import models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _get_invoiceable_lines(self, final=False):
        """Invoicing a delivery statement: exactly its confirmed lines (context
        ``settlement_invoice_quantities``: {sale order line id: quantity})."""
        quantities = self.env.context.get("settlement_invoice_quantities")
        if quantities is None:
            return super()._get_invoiceable_lines(final=final)
        return self.order_line.filtered(lambda line: line.id in quantities)

    def _create_invoices(self, grouped=False, final=False, date=None):
        if self.env.context.get("settlement_invoice_quantities") is None:
            self._check_settlement_delivery_holds(final)
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _check_settlement_delivery_holds(self, final):
        """Refuse to invoice a line an open delivery statement holds: the customer has not agreed it yet."""
        lines = self.env["sale.order.line"].union(*(order._get_invoiceable_lines(final) for order in self))
        if not lines:
            return
        held = (
            self.env["monthly.settlement.statement.detail"]
            .sudo()
            .search([("held_sale_line_id", "in", lines.ids)], limit=1)
        )
        if held:
            raise UserError(
                self.env._(
                    "%(product)s of %(order)s is on the open delivery statement %(statement)s: it is invoiced "
                    "when the customer confirms that statement (or once it is cancelled).",
                    product=held.sale_line_id.product_id.display_name or held.sale_line_id.name,
                    order=held.sale_line_id.order_id.name,
                    statement=held.statement_id.display_name,
                )
            )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _prepare_invoice_line(self, **optional_values):
        quantities = self.env.context.get("settlement_invoice_quantities")
        if quantities and self.id in quantities:
            optional_values["quantity"] = quantities[self.id]
        return super()._prepare_invoice_line(**optional_values)
