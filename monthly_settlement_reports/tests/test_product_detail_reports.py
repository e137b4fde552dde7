"""Product lines on the statement's PDF, XLSX and portal page, for a customer who wants them:
each product under its document, the document figures and totals unchanged."""

import io

import openpyxl

from odoo.tests import HttpCase, tagged

from .test_statement_pdf import PDF_REPORT, StatementReportCommon


@tagged("post_install", "-at_install")
class TestProductDetailReports(StatementReportCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_25.write({"settlement_detail_level": "products", "settlement_delivery_portal": True})
        unit = cls.env.ref("uom.product_uom_unit")
        cls.product_a.name = "不锈钢法兰 DN50"
        cls.invoice = cls._invoice_with_products(
            cls.customer_25, "2026-11-03", [(cls.product_a, 12, unit, 100.0, 0.0), (cls.product_b, 3, unit, 40.0, 10.0)]
        )
        cls.later_invoice = cls._invoice(cls.customer_25, "2026-11-10", 50)
        cls.detailed = cls.env["monthly.settlement.statement"]._generate_statements(
            cls.customer_25, cls.d("2026-11-25")
        )[0]

    def test_pdf_lists_the_products_under_their_invoice(self):
        text = self._poppler("pdftotext", self._pdf(self.detailed), "-layout")
        self.assertIn("不锈钢法兰 DN50", text)
        self.assertIn("增值税 13%", text)
        self.assertIn(f"{12 * 100 * 1.13:,.2f}", text)
        self.assertIn(f"{3 * 40 * 0.9 * 1.13:,.2f}", text)
        lines = text.splitlines()
        invoice_row = next(index for index, line in enumerate(lines) if self.invoice.name in line)
        product_row = next(index for index, line in enumerate(lines) if "不锈钢法兰 DN50" in line)
        self.assertEqual(product_row, invoice_row + 1, "the products right under their invoice")
        self.assertIn(f"{self.detailed.closing_balance:,.2f}", text)
        self.assertTrue(PDF_REPORT)

    def test_xlsx_product_columns_keep_the_balance_formulas(self):
        content, _kind = self.env["ir.actions.report"]._render(
            "monthly_settlement_reports.action_report_statement_xlsx", self.detailed.ids
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header = next(row for row in rows if row[0] == "日期")
        self.assertEqual(header[8:15], ["产品", "数量", "单位", "单价", "折扣（%）", "税", "金额"])
        products = [row[8:15] for row in rows if row[8] and row is not header]
        self.assertEqual(
            [(name, quantity, price, amount) for name, quantity, _unit, price, _discount, _tax, amount in products],
            [
                ("不锈钢法兰 DN50", 12, 100, round(12 * 100 * 1.13, 2)),
                (self.product_b.display_name, 3, 40, round(3 * 40 * 0.9 * 1.13, 2)),
            ],
        )
        invoice_index = next(index for index, row in enumerate(rows) if row[1] == self.invoice.name)
        next_document = next(index for index, row in enumerate(rows) if row[1] == self.later_invoice.name)
        formula = rows[next_document][7]
        self.assertTrue(
            formula.startswith(f"=H{invoice_index + 1}+"), "the running balance skips the product rows: " + formula
        )

    def test_portal_page_shows_the_products(self):
        reviewer = self._create_settlement_user("ms_products_review", "monthly_settlement.group_settlement_reviewer")
        self.detailed.action_submit()
        self.detailed.with_user(reviewer).action_approve()
        self.detailed.with_user(reviewer)._mark_sent(self.d("2026-11-26"))
        self.detailed._portal_ensure_token()
        page = self.url_open(f"/my/statements/{self.detailed.id}?access_token={self.detailed.access_token}").text
        self.assertIn("o_statement_product_line", page)
        self.assertIn("不锈钢法兰 DN50", page)
