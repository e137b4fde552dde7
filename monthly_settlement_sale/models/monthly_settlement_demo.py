from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models

# (days after the period's start, customer PO reference, [(product xmlid, ordered, delivered, price)])
DEMO_DELIVERIES = [
    (3, "XDZ-PO-1101", [("demo_product_sensor", 200, 200, 118.0), ("demo_product_cable", 1500, 1500, 8.5)]),
    (12, "XDZ-PO-1108", [("demo_product_sensor", 120, 80, 118.0)]),
    (21, False, [("demo_product_cable", 600, 600, 8.2)]),
]


class MonthlySettlementDemo(models.AbstractModel):
    _inherit = "monthly.settlement.demo"

    @api.model
    def _install_credit_control_demo_data(self):
        """The demo company blocks confirmations on credit hold, and a quotation of 华东 over
        its credit limit waits for a settlement manager's override."""
        company = self._demo_get_company()
        self._demo_ensure_warehouse(company)
        company.write(
            {
                "settlement_credit_control": "block",
                "settlement_credit_overdue_days": 30,
                "settlement_credit_dispute_days": 15,
            }
        )
        customer = self.env.ref("monthly_settlement.demo_customer_huadong").with_company(company)
        cabinet = self.env.ref("monthly_settlement_sale.demo_product_control_cabinet")
        headroom = customer.credit_limit - customer.credit - customer.credit_to_invoice
        self.env["sale.order"].with_company(company).create(
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "user_id": self.env.ref("monthly_settlement.demo_user_sales").id,
                "note": "年底备货",
                "order_line": [
                    Command.create(
                        {
                            "product_id": cabinet.id,
                            "product_uom_qty": max(headroom // cabinet.list_price + 1, 1),
                            "price_unit": cabinet.list_price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )

    @api.model
    def _install_delivery_statement_demo_data(self, today=None, customer=None):
        """深圳先对账电子 agrees its deliveries before it is invoiced: three orders delivered in its last
        closed period (one partly) wait on a draft delivery statement; an order of the running
        period is delivered and not stated yet. Dated from ``today``, so it reads the same any day."""
        company = self._demo_get_company()
        if not self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)]):
            return
        if not self._demo_delivers_here():
            return
        self._demo_ensure_warehouse(company)
        env = self.with_company(company).env
        customer = (customer or self.env.ref("monthly_settlement_sale.demo_customer_statement_first")).with_company(
            company
        )
        today = today or fields.Date.context_today(self)
        start, end = customer._get_last_closed_settlement_period(today - timedelta(days=1))  # as the nightly job
        for days, ref, lines in DEMO_DELIVERIES:
            self._demo_delivered_order(env, customer, min(start + timedelta(days=days), end), ref, lines)
        env["monthly.settlement.statement"]._generate_delivery_statements(customer, end)
        self._demo_delivered_order(env, customer, today, "XDZ-PO-1202", [("demo_product_sensor", 50, 50, 118.0)])

    @api.model
    def _demo_delivers_here(self):
        """Whether this module's demo makes the deliveries: not when Inventory is installed, where
        monthly_settlement_sale_stock makes the same ones as done delivery orders when it installs
        (its code is not loaded yet while this module's demo data runs)."""
        return "stock.picking" not in self.env

    @api.model
    def _demo_ensure_warehouse(self, company):
        """With Inventory, sale orders need a warehouse in their company; Odoo gives one to the
        first company only, and the demo's Chinese company is created after Inventory."""
        if "stock.warehouse" in self.env and not self.env["stock.warehouse"].search_count(
            [("company_id", "=", company.id)]
        ):
            self.env["stock.warehouse"].create({"company_id": company.id})

    @api.model
    def _demo_delivered_order(self, env, customer, day, ref, lines):
        """A confirmed order delivered on ``day``: ``lines`` as in DEMO_DELIVERIES."""
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "client_order_ref": ref,
                "user_id": customer.user_id.id,
                "commitment_date": datetime.combine(day, time(2)),
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env.ref(f"monthly_settlement_sale.{xmlid}").id,
                            "product_uom_qty": ordered,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for xmlid, ordered, _delivered, price in lines
                ],
            }
        )
        order.action_confirm()
        for line, (_xmlid, _ordered, delivered, _price) in zip(order.order_line, lines, strict=True):
            line.qty_delivered = delivered
        return order
