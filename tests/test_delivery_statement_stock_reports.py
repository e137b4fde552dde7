"""The PDF and XLSX of a delivery statement made from stock deliveries (monthly_settlement_sale_stock
with the reports): each line names its delivery order (送货单号), as the customer's receiving note
does; the backorder done after the cut-off is not on it."""

import io

import openpyxl

from odoo.tests import HttpCase, tagged

from odoo.addons.monthly_settlement_reports.tests.test_statement_pdf import PDF_REPORT, StatementReportCommon
from odoo.addons.monthly_settlement_sale_stock.tests.common import StockDeliveryCommon

XLSX_REPORT = "monthly_settlement_reports.action_report_statement_xlsx"


@tagged("post_install", "-at_install")
class TestDeliveryStatementStockReports(StockDeliveryCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        statements, _left = cls.env["monthly.settlement.statement"]._generate_delivery_statements(
            cls.customer, cls._day("2026-11-30")
        )
        cls.statement = statements

    def test_pdf_names_the_delivery_orders(self):
        content, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(PDF_REPORT, self.statement.ids)
        )
        text = StatementReportCommon._poppler("pdftotext", content, "-layout")
        self.assertIn("送货对账单", text)
        for delivery in (self.first_delivery, self.delivery_b):
            self.assertIn(f"送货单号 {delivery.name}", text)
        self.assertNotIn(self.backorder.name, text, "done after the cut-off (Beijing time)")
        self.assertIn("PO-STK-1", text)
        self.assertIn(f"{6 * 100 + 5 * 20 + 3 * 100:,.2f}", text)

    def test_xlsx_names_the_delivery_orders(self):
        content, _kind = self.env["ir.actions.report"]._render(XLSX_REPORT, self.statement.ids)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        documents = [(row[1], row[3]) for row in rows if row[1] in (self.order_a.name, self.order_b.name)]
        self.assertEqual(
            documents,
            [
                (self.order_a.name, f"PO-STK-1 · 送货单号 {self.first_delivery.name}"),
                (self.order_b.name, f"PO-STK-2 · 送货单号 {self.delivery_b.name}"),
            ],
        )
