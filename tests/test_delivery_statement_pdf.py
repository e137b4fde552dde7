"""The PDF of a delivery statement (送货对账单, monthly_settlement_sale with the reports): titled as
one, the orders with their customer PO and each product with its delivered quantity, price and
delivery date, the total delivered; no ageing and no payment instructions (nothing is invoiced
yet)."""

import subprocess
import tempfile
from datetime import date, datetime

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.monthly_settlement_sale.tests.common import SaleSettlementCommon

PDF_REPORT = "monthly_settlement_reports.action_report_statement_pdf"


@tagged("post_install", "-at_install")
class TestDeliveryStatementPdf(SaleSettlementCommon, HttpCase):
    def test_delivery_statement_pdf(self):
        customer = self._create_monthly_customer(
            "深圳先对账电子有限公司", cutoff_day=25, settlement_mode="monthly_statement_first", settlement_lang="zh_CN"
        )
        self.product_a.write(  # a service: delivered quantity by hand, with or without Inventory
            {"name": "贴片电容 0603", "type": "service", "invoice_policy": "delivery", "taxes_id": [Command.clear()]}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "client_order_ref": "PO-2026-118",
                "commitment_date": datetime(2026, 11, 5, 2),
                "order_line": [
                    Command.create({"product_id": self.product_a.id, "product_uom_qty": 10, "price_unit": 12.5})
                ],
            }
        )
        order.action_confirm()
        order.order_line.qty_delivered = 8
        statements, _left = self.env["monthly.settlement.statement"]._generate_delivery_statements(
            customer, date(2026, 11, 30)
        )
        content, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(PDF_REPORT, statements.ids)
        )
        self.assertEqual(kind, "pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", pdf.name, "-"], check=True, capture_output=True, text=True
            ).stdout
        self.assertIn("送货对账单", text)
        self.assertNotIn("账龄", text, "no ageing on deliveries not invoiced yet")
        self.assertIn(order.name, text)
        self.assertIn("PO-2026-118", text)
        self.assertIn("贴片电容 0603", text)
        self.assertIn(f"{8 * 12.5:,.2f}", text)
        self.assertIn("送货日期 2026/11/05", text, "the delivery date, in the customer's format")

    def test_delivery_statement_email_says_what_it_is(self):
        """The statement email of a delivery statement, in the customer's Chinese: deliveries to agree
        before invoicing and their total, not a balance due."""
        customer = self._create_monthly_customer(
            "深圳先对账电子有限公司", cutoff_day=25, settlement_mode="monthly_statement_first", settlement_lang="zh_CN"
        )
        self.product_a.write({"type": "service", "invoice_policy": "delivery", "taxes_id": [Command.clear()]})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "commitment_date": datetime(2026, 11, 5, 2),
                "order_line": [
                    Command.create({"product_id": self.product_a.id, "product_uom_qty": 4, "price_unit": 25})
                ],
            }
        )
        order.action_confirm()
        order.order_line.qty_delivered = 4
        statements, _left = self.env["monthly.settlement.statement"]._generate_delivery_statements(
            customer, date(2026, 11, 30)
        )
        template = self.env.ref("monthly_settlement.mail_template_statement")
        body = template._render_field("body_html", statements.ids, compute_lang=True)[statements.id]
        self.assertIn("送货对账单", body)
        self.assertIn("送货合计", body)
        self.assertIn("100.00", body)
        self.assertNotIn("到期日", body, "no due date: nothing is invoiced yet")
