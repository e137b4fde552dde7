from odoo import Command, api, models


class MonthlySettlementDemo(models.AbstractModel):
    _inherit = "monthly.settlement.demo"

    @api.model
    def _install_credit_control_demo_data(self):
        """The demo company blocks confirmations on credit hold, and a quotation of 华东 over
        its credit limit waits for a settlement manager's override."""
        company = self._demo_get_company()
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
