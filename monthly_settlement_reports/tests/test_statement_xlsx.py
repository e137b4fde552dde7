import io
import re
from datetime import datetime

import openpyxl
from openpyxl.utils import range_boundaries

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_statement_pdf import StatementReportCommon

SINGLE = "monthly_settlement_reports.action_report_statement_xlsx"
BATCH = "monthly_settlement_reports.action_report_statement_batch_xlsx"


class FormulaEvaluator:
    """Recompute the workbook's formulas (cell references, + and -, SUM of a range, references
    to other sheets) from the written values, independently of the cached results."""

    def __init__(self, workbook):
        self.workbook = workbook

    def value(self, sheet, cell):
        raw = self.workbook[sheet][cell].value
        if not (isinstance(raw, str) and raw.startswith("=")):
            return raw or 0
        total = 0.0
        for sign, term in re.findall(r"([+-]?)((?:'[^']+'!)?[A-Z]+\d+(?::[A-Z]+\d+)?|SUM\([^)]*\))", raw[1:]):
            total += (-1 if sign == "-" else 1) * self._term(sheet, term)
        return round(total, 2)

    def _term(self, sheet, term):
        if term.startswith("SUM("):
            min_col, min_row, max_col, max_row = range_boundaries(term[4:-1])
            return sum(
                self.value(sheet, self.workbook[sheet].cell(row, column).coordinate)
                for row in range(min_row, max_row + 1)
                for column in range(min_col, max_col + 1)
            )
        if "!" in term:
            other, cell = term.split("!")
            return self.value(other.strip("'"), cell)
        return self.value(sheet, term)


@tagged("post_install", "-at_install")
class TestStatementXlsx(StatementReportCommon):
    def _workbook(self, report, statements, user=None):
        Report = self.env["ir.actions.report"].with_user(user) if user else self.env["ir.actions.report"]
        content, kind = Report._render(report, statements.ids)
        self.assertEqual(kind, "xlsx")
        return openpyxl.load_workbook(io.BytesIO(content))

    @staticmethod
    def _rows(sheet):
        return [[cell.value for cell in row] for row in sheet.iter_rows()]

    def test_single_statement_sheet(self):
        statement = self.statement
        workbook = self._workbook(SINGLE, statement)
        [sheet] = workbook.worksheets
        self.assertLessEqual(len(sheet.title), 31)
        rows = self._rows(sheet)
        labels = {row[0]: row[1] for row in rows[:10] if row[0]}
        self.assertEqual(labels["客户"], "华东贸易有限公司")
        self.assertEqual(labels["到期日"], datetime(2026, 12, 24))
        header_row = next(index for index, row in enumerate(rows) if row[0] == "日期")
        self.assertEqual(rows[header_row][5:8], ["借方", "贷方", "余额"])
        self.assertEqual(sheet.freeze_panes, f"A{header_row + 2}")
        lines = rows[header_row + 1 : header_row + 1 + len(statement.line_ids)]
        self.assertEqual(lines[0][1], "期初余额")
        self.assertEqual(lines[0][7], 5000)
        self.assertTrue(all(isinstance(row[0], datetime) for row in lines))
        self.assertEqual(sorted(row[5] for row in lines[1:] if row[5]), [12345.67])
        self.assertEqual(sorted(row[6] for row in lines[1:] if row[6]), [1000, 4000])
        self.assertTrue(all(str(row[7]).startswith("=") for row in lines[1:]), "running balance as formulas")
        total_row = header_row + 1 + len(statement.line_ids)
        self.assertEqual(rows[total_row][0], "期末余额")
        evaluate = FormulaEvaluator(workbook)
        closing = evaluate.value(sheet.title, f"H{total_row + 1}")
        self.assertEqual(closing, statement.closing_balance)
        self.assertEqual(evaluate.value(sheet.title, f"F{total_row + 1}"), statement.period_debit)
        self.assertEqual(evaluate.value(sheet.title, f"G{total_row + 1}"), statement.period_credit)
        self.assertIn(f"$A$1:$H${total_row + 3 + len(statement.ageing_ids)}", str(sheet.print_area))
        # fit to one page wide (1 is the default width, so it may be left out), any number of pages tall
        self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
        self.assertIn(sheet.page_setup.fitToWidth, (None, 1))
        self.assertEqual(int(sheet.page_setup.fitToHeight), 0)

    def test_batch_workbook(self):
        self._invoice(self.customer_month_end, "2026-10-05", 800)
        self._invoice(self.customer_month_end, "2026-10-28", 200)
        other = self.env["monthly.settlement.statement"]._generate_statements(
            self.customer_month_end, self.d("2026-11-24")
        )[0]
        statements = self.statement | other
        workbook = self._workbook(BATCH, statements)
        self.assertEqual(len(workbook.worksheets), 3)
        summary = workbook.worksheets[0]
        self.assertEqual(summary.title, "Summary")
        names = [sheet.title for sheet in workbook.worksheets[1:]]
        self.assertEqual(len(set(names)), 2)
        self.assertTrue(all(len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name) for name in names))
        evaluate = FormulaEvaluator(workbook)
        rows = self._rows(summary)
        self.assertEqual([row[0] for row in rows[1:3]], statements.mapped("partner_id.name"))
        for row_number, statement in enumerate(statements, start=2):
            self.assertEqual(evaluate.value(summary.title, f"H{row_number}"), statement.closing_balance)
            self.assertEqual(rows[row_number - 1][4], statement.opening_balance)
            self.assertEqual(rows[row_number - 1][9], datetime.combine(statement.date_due, datetime.min.time()))
        self.assertEqual(rows[3][0], "Total")
        self.assertEqual(evaluate.value(summary.title, "H4"), round(self.statement.closing_balance + 1000, 2))
        self.assertEqual(other.closing_balance, 1000)

    def test_auditor_exports_outsider_cannot(self):
        auditor = self._create_settlement_user("ms_auditor_xlsx", "monthly_settlement.group_settlement_auditor")
        workbook = self._workbook(SINGLE, self.statement, user=auditor)
        self.assertEqual(len(workbook.worksheets), 1)
        outsider = new_test_user(self.env, login="ms_outsider_xlsx", groups="account.group_account_invoice")
        with self.assertRaises(AccessError):
            self._workbook(SINGLE, self.statement, user=outsider)

    def test_analysis(self):
        statement = self.statement
        statement.action_submit()
        self.env.company.settlement_four_eyes = False
        statement.action_approve()
        statement._transition(
            {
                "generate_date": "2026-10-26 08:00:00",
                "submit_date": "2026-10-27 08:00:00",
                "approve_date": "2026-10-29 20:00:00",
            }
        )
        statement._mark_sent(self.d("2026-11-01"))
        statement._record_dispute({}, "金额不对")
        self.env.flush_all()
        row = self.env["monthly.settlement.statement.analysis"].search([("statement_id", "=", statement.id)])
        self.assertRecordValues(
            row,
            [
                {
                    "state": "disputed",
                    "closing_balance": 12345.67,
                    "days_to_submit": 1.0,
                    "days_to_approve": 2.5,
                    "dispute_rate": 100.0,
                    "confirmed_before_due_rate": 0.0,
                    "dso": round(12345.67 / 12345.67 * 30, 2),
                }
            ],
        )
        groups = self.env["monthly.settlement.statement.analysis"]._read_group(
            [("company_id", "=", self.env.company.id)], ["state"], ["statement_count:sum"]
        )
        self.assertEqual(dict(groups), {"disputed": 1})

    def test_analysis_totals_in_company_currency(self):
        """A CNY and a USD statement: the totals add them in CNY at the statement date's rate
        (0.14 USD for 1 CNY), and the states read in the user's language."""
        self._invoice(self.customer_month_end, "2026-10-05", 1000)
        self._invoice(self.customer_month_end, "2026-10-05", 700, currency=self.usd)
        statements = self._generate(self.customer_month_end, self.d("2026-11-24"))
        self.env.flush_all()
        rows = self.env["monthly.settlement.statement.analysis"].search([("statement_id", "in", statements.ids)])
        by_currency = {row.currency_id: row for row in rows}
        self.assertAlmostEqual(by_currency[self.usd].closing_balance_company, 700 / 0.14, places=2)
        self.assertAlmostEqual(
            by_currency[self.cny].closing_balance_company, by_currency[self.cny].closing_balance, places=2
        )
        [(total,)] = self.env["monthly.settlement.statement.analysis"]._read_group(
            [("statement_id", "in", statements.ids)], [], ["closing_balance_company:sum"]
        )
        self.assertAlmostEqual(total, by_currency[self.cny].closing_balance + 700 / 0.14, places=2)
        labels = dict(
            self.env["monthly.settlement.statement.analysis"]
            .with_context(lang="zh_CN")
            .fields_get(["state"])["state"]["selection"]
        )
        self.assertEqual(labels["approved"], "已审核")

    def test_ageing_workbook(self):
        """Open amounts at 2026-12-31 by days overdue, worked out by hand: customer_25's
        12,345.67 invoice (due 2026-12-24, 7 days overdue), its 1,000.00 credit note (due
        2026-12-24, -1,000.00 in 1-30) and the rest of the 5,000.00 invoice of September, due
        2026-11-24 (37 days overdue, 1,000.00 left); customer_month_end's 700.00 invoice of
        2026-12-10 is not due (2027-01-30)."""
        self._invoice(self.customer_month_end, "2026-12-10", 700)
        wizard = self.env["monthly.settlement.ageing.report"].create({"date": "2026-12-31"})
        workbook = self._workbook("monthly_settlement_reports.action_report_ageing_xlsx", wizard)
        self.assertEqual(workbook.sheetnames, ["CNY"])
        sheet = workbook["CNY"]
        rows = self._rows(sheet)
        by_customer = {row[0]: row[1:7] for row in rows[4:] if row[0]}
        self.assertEqual(by_customer["华东贸易有限公司"][:5], [0, 11345.67, 1000, 0, 0])
        self.assertEqual(by_customer["北方机械有限公司"][:5], [700, 0, 0, 0, 0])
        evaluate = FormulaEvaluator(workbook)
        total_row = next(index for index, row in enumerate(rows, start=1) if row[0] == "Total")
        self.assertEqual(evaluate.value("CNY", f"G{total_row}"), round(11345.67 + 1000 + 700, 2))
