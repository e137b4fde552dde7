"""Goods delivered from stock to 深圳先对账电子 (statement before invoice, closing on the 25th), the
company in China (Asia/Shanghai):

- order A (PO-STK-1): 10 of product A at 100 and 5 of product B at 20. Its first delivery, done on
  10 Nov at 10:00 Beijing time, takes 6 of A and the 5 of B (a partial delivery); the backorder of
  the other 4 of A is done on 25 Nov at 17:30 UTC, which is 26 Nov 01:30 in Beijing: after the cut-off;
- order B (PO-STK-2): 3 of product A at 100, delivered on 25 Nov at 15:00 UTC, 23:00 in Beijing:
  before the cut-off.

No taxes: every amount is quantity × price.
"""

from datetime import datetime

from odoo import Command
from odoo.tests.common import freeze_time

from odoo.addons.monthly_settlement_sale.tests.common import SaleSettlementCommon


class StockDeliveryCommon(SaleSettlementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls.env.company.settlement_four_eyes = False
        cls.customer = cls._create_monthly_customer(
            "深圳先对账电子有限公司", cutoff_day=25, settlement_mode="monthly_statement_first", settlement_lang="zh_CN"
        )
        (cls.product_a | cls.product_b).write(
            {"type": "consu", "invoice_policy": "delivery", "taxes_id": [Command.clear()]}
        )
        cls.order_a = cls._order([(cls.product_a, 10, 100), (cls.product_b, 5, 20)], "PO-STK-1")
        cls.order_b = cls._order([(cls.product_a, 3, 100)], "PO-STK-2")
        cls.first_delivery = cls.order_a.picking_ids
        cls.backorder = cls._validate(cls.first_delivery, {cls.product_a: 6, cls.product_b: 5}, "2026-11-10 02:00:00")
        cls._validate(cls.backorder, {cls.product_a: 4}, "2026-11-25 17:30:00")
        cls.delivery_b = cls.order_b.picking_ids
        cls._validate(cls.delivery_b, {cls.product_a: 3}, "2026-11-25 15:00:00")

    @classmethod
    def _order(cls, lines, ref):
        return cls._sale_order(cls.customer, lines, ref=ref)

    @classmethod
    def _validate(cls, picking, quantities, when):
        """Validate ``picking`` at ``when`` (UTC) with ``quantities`` {product: quantity}: the rest,
        if any, goes to a backorder, returned."""
        with freeze_time(when):
            for move in picking.move_ids:
                move.quantity = quantities.get(move.product_id, 0)
                move.picked = True
            picking.with_context(cancel_backorder=False)._action_done()
        return picking.backorder_ids

    @classmethod
    def _return(cls, picking, quantities, when):
        """The customer sends back ``quantities`` of ``picking``, the order updated (to_refund), the
        return done at ``when`` (UTC)."""
        wizard = cls.env["stock.return.picking"].create({"picking_id": picking.id})
        for line in wizard.product_return_moves:
            line.write({"quantity": quantities.get(line.product_id, 0), "to_refund": True})
        returned = wizard._create_return()
        cls._validate(returned, quantities, when)
        return returned

    @staticmethod
    def _day(text):
        return datetime.fromisoformat(text).date()
