"""A disputed delivery statement prints as answered (monthly_settlement_sale with the reports): the
PDF and the XLSX show the customer's figure and comment on the disputed product line, and who
answered, how and when, instead of the file sent with its blank confirmation block."""

import io

import openpyxl

from odoo.tests import HttpCase, tagged

from odoo.addons.monthly_settlement_reports.tests.test_statement_pdf import StatementReportCommon
from odoo.addons.monthly_settlement_sale.tests.test_delivery_dispute_by_reviewer import DeliveryDisputeCommon


@tagged("post_install", "-at_install")
class TestDeliveryDisputeReports(DeliveryDisputeCommon, HttpCase):
    def test_disputed_delivery_statement_prints_the_customers_figures(self):
        statement = self._sent(self._delivery_statement())
        disputed = self._detail(statement, "B")
        statement.with_user(self.reviewer)._record_delivery_dispute(
            {disputed.id: {"quantity": 6, "price_unit": None, "comment": "只收到6件"}},
            "",
            channel="phone",
            answered_on=self.d("2026-11-30"),
            name="采购 周丽",
        )
        reports = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        statement = statement.with_env(reports.env)

        content, _name = statement._get_statement_report_file(
            self.env.ref("monthly_settlement_reports.action_report_statement_pdf")
        )
        text = StatementReportCommon._poppler("pdftotext", content, "-layout")
        flat = " ".join(text.split())
        self.assertIn("只收到6件", flat, "the customer's comment on the disputed line")
        self.assertIn("数量 6，而非 7", flat, "the customer's quantity against ours, in Chinese")
        self.assertIn("采购 周丽", flat, "who answered")
        self.assertNotIn("我方确认以上余额", flat, "no blank confirmation block on the answered file")

        content, _name = statement._get_statement_report_file(
            self.env.ref("monthly_settlement_reports.action_report_statement_xlsx")
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        rows = {row[8]: row for row in sheet.iter_rows(values_only=True) if len(row) > 15 and row[8]}
        product_b = rows[self.product_b.display_name]
        self.assertIn("只收到6件", product_b[15])
        self.assertIn("6", product_b[15])
        self.assertFalse(rows[self.product_a.display_name][15], "undisputed lines say nothing")
