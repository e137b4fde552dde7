from odoo import api, fields, models
from odoo.tools import float_compare, format_amount


class MonthlySettlementStatementLine(models.Model):
    _inherit = "monthly.settlement.statement.line"

    line_type = fields.Selection(selection_add=[("delivery", "Delivery")], ondelete={"delivery": "cascade"})
    delivery_ref = fields.Char(
        string="Delivery Order",
        readonly=True,
        help="On a delivery statement, the delivery order (送货单号) of these deliveries, as on the customer's "
        "receiving note: a line per order and delivery when Inventory delivers the goods.",
    )


class MonthlySettlementStatementDetail(models.Model):
    """On a delivery statement, a product line is a delivered sale order line not invoiced yet:
    ``quantity`` is what was delivered and not invoiced at generation (negative for a return
    after invoicing), invoiced as it stands when the customer confirms, unless disputed."""

    _inherit = "monthly.settlement.statement.detail"
    _fields_moving_after_sending = frozenset(
        {
            "is_disputed",
            "disputed_quantity",
            "disputed_price_unit",
            "dispute_comment",
            "is_invoiced",
            "held_sale_line_id",
        }
    )

    sale_line_id = fields.Many2one(
        "sale.order.line", string="Sale Order Line", readonly=True, ondelete="restrict", index="btree_not_null"
    )
    held_sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Held Sale Order Line",
        readonly=True,
        ondelete="restrict",
        help="The sale order line while this open delivery statement holds it: a delivered line is on "
        "at most one open delivery statement, and is invoiced only through it meanwhile.",
    )
    amount_untaxed = fields.Monetary(
        string="Untaxed Amount",
        readonly=True,
        help="On a delivery statement: the amount without taxes of the delivered quantity, as its invoice line has it.",
    )
    delivery_date = fields.Date(readonly=True)
    delivery_ref = fields.Char(related="line_id.delivery_ref", string="Delivery Order")
    is_invoiced = fields.Boolean(string="Invoiced", readonly=True)
    is_disputed = fields.Boolean(string="Disputed", readonly=True)
    disputed_quantity = fields.Float(
        string="Quantity Claimed", digits="Product Unit", readonly=True, help="The quantity the customer says it got."
    )
    disputed_price_unit = fields.Float(
        string="Price Claimed", digits="Product Price", readonly=True, help="The unit price the customer expects."
    )
    dispute_comment = fields.Text(string="Customer's Comment", readonly=True)
    dispute_summary = fields.Char(
        string="Customer's Dispute",
        compute="_compute_dispute_summary",
        help="What the customer disputes on this line: its own quantity or unit price, and its comment.",
    )

    _one_open_statement_per_sale_line = models.Constraint(
        "UNIQUE (held_sale_line_id)",
        "This delivered sale order line is already on another open delivery statement.",
    )

    @api.depends("is_disputed", "disputed_quantity", "disputed_price_unit", "dispute_comment", "quantity", "price_unit")
    def _compute_dispute_summary(self):
        for detail in self:
            detail.dispute_summary = detail.is_disputed and detail._dispute_summary(
                *detail._other_figures(detail.disputed_quantity, detail.disputed_price_unit),
                detail.dispute_comment,
                with_product=False,
            )

    def _other_figures(self, quantity, price_unit):
        """(quantity, unit price) of the customer's that differ from ours; None for a figure not
        given (None) or equal to ours."""
        self.ensure_one()
        return (
            quantity if quantity is not None and float_compare(quantity, self.quantity, precision_digits=6) else None,
            price_unit
            if price_unit is not None and float_compare(price_unit, self.price_unit, precision_digits=6)
            else None,
        )

    def _dispute_summary(self, quantity, price_unit, comment, with_product=True):
        """What the customer says of this product line, in a sentence for the chatter and the line
        (``with_product``: named first; not where the product shows next to it)."""
        self.ensure_one()
        parts = [self.product_id.display_name or self.name or ""]
        if quantity is not None:
            parts.append(
                self.env._(
                    "quantity %(quantity)s, not %(ours)s",
                    quantity=f"{quantity:g}",
                    ours=f"{self.quantity:g}",
                )
            )
        if price_unit is not None:
            parts.append(
                self.env._(
                    "unit price %(price)s, not %(ours)s",
                    price=format_amount(self.env, price_unit, self.currency_id),
                    ours=format_amount(self.env, self.price_unit, self.currency_id),
                )
            )
        if comment:
            parts.append(comment)
        if not with_product:
            return ", ".join(parts[1:])
        return ": ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]
