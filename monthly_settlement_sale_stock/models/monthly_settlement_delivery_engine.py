"""Delivery statements from the done deliveries (sale_stock).

For the goods Inventory delivers (sale order lines whose delivered quantity comes from stock
moves), what a line delivered and did not invoice as of a statement's cut-off is read from its
done stock moves, in one query for every customer of the run:

- a delivery counts on the day it was done, in the company's time zone, and only up to the
  cut-off: goods that went out after it are the next period's;
- a return (a done move back from the customer that updates the order, ``to_refund``) counts
  negative on the day it was done, so a return after the customer confirmed (and was invoiced)
  shows as a negative line on the next statement;
- one row per delivery order (picking) and sale order line: the customer checks the statement
  against its receiving notes, one per delivery order, so each line carries the delivery order
  number (送货单号) and its own date;
- what a delivery statement invoiced is known per delivery order (its lines carry the number):
  a delivery the customer disputed stays open while the others are invoiced;
- what is invoiced otherwise covers the oldest rows (FIFO): the rows after the last point where
  the running delivered quantity equals the invoiced one are stated in full (so a return after
  invoicing is a negative row of its own); when no point matches (part of a delivery invoiced),
  the invoiced quantity is taken from the oldest deliveries, the row it ends in stated in part.

The moves are those sale_stock counts in ``qty_delivered`` (`_get_outgoing_incoming_moves`,
strict): to a customer location (returns of a return only when they update the order), or back
from a customer or supplier location when they update the order; so without a cut-off the rows
add up to Odoo's ``qty_delivered - qty_invoiced``. Lines delivered otherwise (services, manual
quantities) keep the statement module's rule.
"""

from odoo import api, models
from odoo.tools import SQL


class MonthlySettlementDeliveryEngine(models.AbstractModel):
    _inherit = "monthly.settlement.delivery.engine"

    @api.model
    def _deliveries_sql(self):
        return SQL(
            """
            SELECT base.sale_line_id, base.period_end, base.delivery_date, base.delivery_ref, base.quantity
              FROM (%(base)s) base
              JOIN sale_order_line sale_line ON sale_line.id = base.sale_line_id
             WHERE sale_line.qty_delivered_method IS DISTINCT FROM 'stock_move'
            UNION ALL
            SELECT sale_line_id, period_end, delivery_date, delivery_ref,
                   uninvoiced - COALESCE(LAG(uninvoiced) OVER running, 0) AS quantity
              FROM (
                SELECT counted.*,
                       CASE WHEN invoiced_up_to IS NULL THEN delivered - LEAST(peak, qty_invoiced)
                            WHEN position > invoiced_up_to THEN delivered - qty_invoiced
                            ELSE 0
                       END AS uninvoiced
                  FROM (
                    SELECT delivery.*, MAX(delivered) OVER running AS peak,
                           COALESCE(
                               MAX(position) FILTER (WHERE ROUND((delivered - qty_invoiced)::numeric, 6) = 0)
                                   OVER whole,
                               CASE WHEN ROUND(qty_invoiced::numeric, 6) = 0 THEN 0 END
                           ) AS invoiced_up_to
                      FROM (
                        SELECT moved.*, ROW_NUMBER() OVER running AS position,
                               SUM(moved.quantity) OVER running AS delivered
                          FROM (%(moves)s) moved
                        WINDOW running AS (PARTITION BY moved.sale_line_id, moved.period_end
                                           ORDER BY moved.delivery_date, moved.picking_id NULLS FIRST)
                      ) delivery
                    WINDOW running AS (PARTITION BY delivery.sale_line_id, delivery.period_end
                                       ORDER BY delivery.position),
                           whole AS (PARTITION BY delivery.sale_line_id, delivery.period_end)
                  ) counted
              ) stated
            WINDOW running AS (PARTITION BY stated.sale_line_id, stated.period_end ORDER BY stated.position)
            """,
            base=super()._deliveries_sql(),
            moves=self._delivery_moves_sql(),
        )

    @api.model
    def _delivery_moves_sql(self):
        """The done deliveries and returns of the ``line`` CTE's stock-delivered sale order lines up
        to their cut-off, summed per line, delivery order and day, in the line's unit, returns
        negative, less what delivery statements invoiced of that delivery order: (sale_line_id,
        period_end, qty_invoiced, picking_id, delivery_ref, delivery_date, quantity), where
        ``qty_invoiced`` is what the line invoiced otherwise (before the customer was on statement
        before invoice, or after a statement was cancelled), to be taken from the oldest rows."""
        done_date = SQL("(move.date AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", self._delivery_tz())
        return SQL(
            """
            WITH moved AS (
                SELECT line.sale_line_id, line.period_end, sale_line.qty_invoiced, move.picking_id,
                       picking.name AS delivery_ref, %(done_date)s AS delivery_date,
                       SUM(CASE WHEN destination.usage = 'customer' THEN 1 ELSE -1 END
                           * move.quantity * move_uom.factor / line_uom.factor) AS quantity
                  FROM line
                  JOIN sale_order_line sale_line ON sale_line.id = line.sale_line_id
                  JOIN stock_move move ON move.sale_line_id = sale_line.id
                  JOIN stock_location source ON source.id = move.location_id
                  JOIN stock_location destination ON destination.id = move.location_dest_id
                  JOIN uom_uom move_uom ON move_uom.id = move.product_uom
                  JOIN uom_uom line_uom ON line_uom.id = sale_line.product_uom_id
                  LEFT JOIN stock_picking picking ON picking.id = move.picking_id
                 WHERE sale_line.qty_delivered_method = 'stock_move'
                   AND move.state = 'done'
                   AND move.product_id = sale_line.product_id
                   AND destination.usage != 'inventory'
                   AND %(done_date)s <= line.period_end
                   AND (
                       (destination.usage = 'customer' AND (move.origin_returned_move_id IS NULL OR move.to_refund))
                       OR (destination.usage != 'customer' AND source.usage IN ('customer', 'supplier')
                           AND move.to_refund)
                   )
                 GROUP BY line.sale_line_id, line.period_end, sale_line.qty_invoiced, move.picking_id, picking.name,
                          %(done_date)s
            ),
            stated AS (  -- invoiced through delivery statements, per delivery order
                SELECT detail.sale_line_id, statement_line.delivery_ref, SUM(detail.quantity) AS quantity
                  FROM monthly_settlement_statement_detail detail
                  JOIN monthly_settlement_statement_line statement_line ON statement_line.id = detail.line_id
                 WHERE detail.is_invoiced
                   AND statement_line.delivery_ref IS NOT NULL
                   AND detail.sale_line_id IN (SELECT sale_line_id FROM line)
                 GROUP BY detail.sale_line_id, statement_line.delivery_ref
            )
            SELECT moved.sale_line_id, moved.period_end,
                   moved.qty_invoiced - COALESCE(
                       (SELECT SUM(stated.quantity) FROM stated WHERE stated.sale_line_id = moved.sale_line_id), 0
                   ) AS qty_invoiced,
                   moved.picking_id, moved.delivery_ref, moved.delivery_date,
                   moved.quantity - COALESCE(stated.quantity, 0) AS quantity
              FROM moved
              LEFT JOIN stated ON stated.sale_line_id = moved.sale_line_id AND stated.delivery_ref = moved.delivery_ref
            """,
            done_date=done_date,
        )
