from datetime import datetime, time

from odoo import api, models


class MonthlySettlementDemo(models.AbstractModel):
    """With Inventory, the demo's deliveries of goods are done deliveries, on the day the demo says:
    the same orders, quantities and days as without it (the demo data is the sale module's)."""

    _inherit = "monthly.settlement.demo"

    @api.model
    def _demo_delivers_here(self):
        return True

    @api.model
    def _demo_delivered_order(self, env, customer, day, ref, lines):
        order = super()._demo_delivered_order(env, customer, day, ref, lines)
        delivered = {
            line: quantity
            for line, (_xmlid, _ordered, quantity, _price) in zip(order.order_line, lines, strict=True)
            if line.qty_delivered_method == "stock_move"
        }
        pickings = order.picking_ids.filtered(lambda picking: picking.state not in ("done", "cancel"))
        if not delivered or not pickings:
            return order
        for move in pickings.move_ids:
            move.quantity = delivered.get(move.sale_line_id, 0.0)
            move.picked = True
        pickings.with_context(cancel_backorder=False)._action_done()
        done_on = datetime.combine(day, time(2))
        done = pickings.filtered(lambda picking: picking.state == "done")
        done.move_ids.write({"date": done_on})
        done.write({"date_done": done_on})
        return order
