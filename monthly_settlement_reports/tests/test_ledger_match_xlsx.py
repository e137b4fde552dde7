import base64
import io

import openpyxl

from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon
from odoo.addons.monthly_settlement.tests.test_ledger_matching import COLUMNS, xlsx


@tagged("post_install", "-at_install")
class TestLedgerMatchXlsx(MonthlySettlementCommon):
    def test_reconciliation_workbook(self):
        """Our 1,000 + 2,000 against their 1,000 + 2,050 + 80: the table goes from our 3,000 to
        their 3,130 (an 80 only in theirs, a 50 difference), as formulas that add up."""
        first = self._invoice(self.customer_25, "2026-11-03", 1000)
        second = self._invoice(self.customer_25, "2026-11-09", 2000)
        statement = self._generate(self.customer_25, self.d("2026-11-25"))
        ledger = [
            ["2026-11-03", first.name, "货款", None, 1000],
            ["2026-11-09", second.name, "货款", None, 2050],
            ["2026-11-20", None, "运费", None, 80],
        ]
        match = self.env["monthly.settlement.ledger.match"].create(
            {
                "statement_id": statement.id,
                "ledger_file": base64.b64encode(xlsx(ledger)),
                "ledger_filename": "ledger.xlsx",
                **COLUMNS,
            }
        )
        match.action_match()
        auditor = self._create_settlement_user("ms_ledger_xlsx", "monthly_settlement.group_settlement_auditor")
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(auditor)
            .with_context(lang="en_US")
            ._render("monthly_settlement_reports.action_report_ledger_match_xlsx", match.ids)
        )
        self.assertEqual(kind, "xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        figures = [sheet.cell(row, 2).value for row in range(4, 8)]
        self.assertEqual(figures, [3000, 0, 80, 50])
        self.assertEqual(sheet["B8"].value, "=SUM(B4:B7)")
        self.assertEqual(sum(figures), 1000 + 2050 + 80, "their balance")
        lines = {(row[2], row[5]): (row[0], row[8]) for row in sheet.iter_rows(min_row=11, values_only=True)}
        self.assertEqual(lines[("Our Books", second.name)], ("Amount Difference", 2000))
        self.assertEqual(lines[("Their Books", second.name)], ("Amount Difference", 2050))
        self.assertEqual(lines[("Their Books", None)], ("Only in Their Books", 80))
        self.assertEqual(lines[("Our Books", first.name)], ("Matched", 1000))
