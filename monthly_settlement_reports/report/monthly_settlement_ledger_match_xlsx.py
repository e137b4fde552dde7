from odoo import models


class LedgerMatchXlsx(models.AbstractModel):
    """A customer ledger matched against a statement: the reconciliation table (余额调节表) from
    our closing balance to theirs, then every line of both ledgers with what matching found."""

    _name = "report.monthly_settlement_reports.report_ledger_match_xlsx"
    _inherit = "report.monthly_settlement_reports.statement_sheet"
    _description = "Customer Ledger Matching (XLSX)"

    def generate_xlsx_report(self, workbook, data, objs):
        formats = self._formats(workbook)
        for match in objs:
            env = match.env
            sheet = workbook.add_worksheet(match.statement_id.name[:31].replace("/", "-"))
            sheet.write(0, 0, env._("Reconciliation with the customer's ledger"), formats["title"])
            sheet.write(
                1, 0, f"{match.partner_id.name} · {match.statement_id.display_name} · {match.ledger_filename or ''}"
            )
            figures = [
                (env._("Our closing balance"), match.our_balance, formats["amount"]),
                (env._("Only in our books"), match.only_ours_amount, formats["amount"]),
                (env._("Only in their books"), match.only_theirs_amount, formats["amount"]),
                (env._("Amount differences (theirs less ours)"), match.difference_amount, formats["amount"]),
            ]
            for row, (label, amount, cell_format) in enumerate(figures, start=3):
                sheet.write(row, 0, label)
                sheet.write_number(row, 1, amount, cell_format)
            sheet.write(7, 0, env._("Their closing balance"), formats["bold"])
            sheet.write_formula(7, 1, "=SUM(B4:B7)", formats["total"], match.their_balance)

            statuses = dict(match.line_ids._fields["status"]._description_selection(env))
            sides = dict(match.line_ids._fields["side"]._description_selection(env))
            methods = dict(match.line_ids._fields["method"]._description_selection(env))
            header = [
                env._("Found"),
                env._("Group"),
                env._("Books"),
                env._("Row in Their File"),
                env._("Date"),
                env._("Document"),
                env._("Description"),
                env._("Matched by"),
                env._("Amount"),
            ]
            sheet.write_row(9, 0, header, formats["header"])
            for row, line in enumerate(match.line_ids, start=10):
                sheet.write(row, 0, statuses[line.status])
                sheet.write(row, 1, line.group_number or "")
                sheet.write(row, 2, sides[line.side])
                sheet.write(row, 3, line.row_number or "")
                sheet.write_datetime(row, 4, self._as_datetime(line.date), formats["date"])
                sheet.write(row, 5, line.reference or "")
                sheet.write(row, 6, line.description or "")
                sheet.write(row, 7, methods.get(line.method, ""))
                sheet.write_number(row, 8, line.amount, formats["amount"])
            sheet.set_column(0, 0, 34)
            sheet.set_column(1, 8, 14)
            sheet.freeze_panes(10, 0)
