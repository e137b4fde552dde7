from xlsxwriter.utility import xl_rowcol_to_cell

from odoo import models


class AgeingXlsx(models.AbstractModel):
    """Open receivables of every monthly customer at a date, by ageing bucket: one sheet per
    currency, totals as formulas."""

    _name = "report.monthly_settlement_reports.report_ageing_xlsx"
    _inherit = "report.monthly_settlement_reports.statement_sheet"
    _description = "Monthly Customers AR Ageing (XLSX)"

    def generate_xlsx_report(self, workbook, data, objs):
        env = self.env
        formats = self._formats(workbook)
        for wizard in objs:
            buckets = wizard.company_id._get_settlement_ageing_buckets()
            Ageing = env["monthly.settlement.statement.ageing"]
            labels = [Ageing._bucket_label(days_from, days_to) for days_from, days_to in buckets]
            by_currency = {}
            for customer, currency, amounts in wizard._ageing_rows():
                by_currency.setdefault(currency, []).append((customer, amounts))
            for currency, rows in by_currency.items():
                sheet = workbook.add_worksheet(currency.name)
                sheet.write(0, 0, env._("AR ageing at %(date)s", date=wizard.date), formats["title"])
                sheet.write(1, 0, wizard.company_id.name)
                header = [env._("Customer"), *labels, env._("Total")]
                sheet.write_row(3, 0, header, formats["header"])
                total_column = len(labels) + 1
                for row, (customer, amounts) in enumerate(rows, start=4):
                    sheet.write(row, 0, customer.name)
                    for column, amount in enumerate(amounts, start=1):
                        sheet.write_number(row, column, amount, formats["amount"])
                    sheet.write_formula(
                        row,
                        total_column,
                        f"=SUM({xl_rowcol_to_cell(row, 1)}:{xl_rowcol_to_cell(row, total_column - 1)})",
                        formats["amount"],
                        round(sum(amounts), 2),
                    )
                last = 3 + len(rows)
                sheet.write(last + 1, 0, env._("Total"), formats["bold"])
                for column in range(1, total_column + 1):
                    cached = (
                        sum(amounts[column - 1] for _customer, amounts in rows)
                        if column < total_column
                        else (sum(sum(amounts) for _customer, amounts in rows))
                    )
                    sheet.write_formula(
                        last + 1,
                        column,
                        f"=SUM({xl_rowcol_to_cell(4, column)}:{xl_rowcol_to_cell(last, column)})",
                        formats["total"],
                        round(cached, 2),
                    )
                sheet.set_column(0, 0, 30)
                sheet.set_column(1, total_column, 14)
                sheet.freeze_panes(4, 1)
                sheet.fit_to_pages(1, 0)
