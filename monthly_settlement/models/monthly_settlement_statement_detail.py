from odoo import fields, models


class MonthlySettlementStatementDetail(models.Model):
    """A product line of a document on the statement (invoice or credit note), for customers who
    want the detail; frozen at generation with the statement's other lines, inserted in bulk."""

    _name = "monthly.settlement.statement.detail"
    _description = "Customer Statement Product Line"
    _order = "statement_id, line_id, sequence, id"

    statement_id = fields.Many2one("monthly.settlement.statement", required=True, ondelete="cascade", index=True)
    line_id = fields.Many2one(
        "monthly.settlement.statement.line", string="Document", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    product_id = fields.Many2one("product.product", ondelete="set null")
    name = fields.Char(string="Description")
    quantity = fields.Float(digits="Product Unit")
    uom_id = fields.Many2one("uom.uom", string="Unit", ondelete="set null")
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    discount = fields.Float(string="Discount (%)", digits="Discount")
    tax_label = fields.Char(string="Taxes")
    amount = fields.Monetary(help="Tax included, signed as the document: credit notes negative.")
    currency_id = fields.Many2one(related="statement_id.currency_id")
    company_id = fields.Many2one(related="statement_id.company_id")
