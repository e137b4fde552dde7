from odoo import Command, api, fields, models

from ..models.monthly_settlement_delivery_engine import DELIVERY


class MonthlySettlementAnswer(models.TransientModel):
    """On a delivery statement, a reviewer records the customer's dispute per delivered product
    line, as the portal does: the quantity the customer received or the price it expects, and
    its comment; the same model method stores both."""

    _inherit = "monthly.settlement.answer"

    is_delivery = fields.Boolean(compute="_compute_is_delivery")
    detail_ids = fields.One2many("monthly.settlement.answer.detail", "answer_id", string="Delivered Lines")

    @api.depends("statement_ids.statement_type")
    def _compute_is_delivery(self):
        for answer in self:
            answer.is_delivery = any(statement.statement_type == DELIVERY for statement in answer.statement_ids)

    @api.model
    def default_get(self, fields):
        """A dispute of a delivery statement offers its product lines not invoiced yet, not its orders."""
        values = super().default_get(fields)
        if values.get("kind") != "dispute" or not values.get("statement_ids"):
            return values
        statements = self.new({"statement_ids": values["statement_ids"]}).statement_ids._origin
        if all(statement.statement_type != DELIVERY for statement in statements):
            return values
        if "line_ids" in values:
            values["line_ids"] = []
        if "detail_ids" in fields:
            values["detail_ids"] = [
                Command.create(
                    {
                        "statement_detail_id": detail.id,
                        "disputed_quantity": detail.quantity,
                        "disputed_price_unit": detail.price_unit,
                    }
                )
                for detail in statements.detail_ids
                if not detail.is_invoiced
            ]
        return values

    def _record_statement_dispute(self, statement, **answer):
        if statement.statement_type != DELIVERY:
            return super()._record_statement_dispute(statement, **answer)
        statement._record_delivery_dispute(
            {
                line.statement_detail_id.id: {
                    "quantity": line.disputed_quantity,
                    "price_unit": line.disputed_price_unit,
                    "comment": line.comment,
                }
                for line in self.detail_ids
                if line.is_disputed
            },
            self.comment,
            **answer,
        )
        return None


class MonthlySettlementAnswerDetail(models.TransientModel):
    """A delivered product line in the reviewer's dispute dialog: flagged, the customer's quantity
    and unit price (ours until the reviewer changes the one the customer disputes) and comment."""

    _name = "monthly.settlement.answer.detail"
    _description = "Product Line of a Recorded Dispute"

    answer_id = fields.Many2one("monthly.settlement.answer", required=True, ondelete="cascade")
    statement_detail_id = fields.Many2one("monthly.settlement.statement.detail", required=True, ondelete="cascade")
    delivery_date = fields.Date(related="statement_detail_id.delivery_date")
    order_name = fields.Char(string="Order", related="statement_detail_id.line_id.name")
    product_id = fields.Many2one(related="statement_detail_id.product_id")
    name = fields.Char(related="statement_detail_id.name")
    quantity = fields.Float(related="statement_detail_id.quantity")
    uom_id = fields.Many2one(related="statement_detail_id.uom_id")
    price_unit = fields.Float(related="statement_detail_id.price_unit")
    amount = fields.Monetary(related="statement_detail_id.amount")
    currency_id = fields.Many2one(related="statement_detail_id.currency_id")
    is_disputed = fields.Boolean(string="Disputed")
    disputed_quantity = fields.Float(
        string="Customer's Quantity", digits="Product Unit", help="The quantity the customer says it received."
    )
    disputed_price_unit = fields.Float(
        string="Customer's Unit Price", digits="Product Price", help="The unit price the customer expects."
    )
    comment = fields.Char(string="Customer's Comment")
