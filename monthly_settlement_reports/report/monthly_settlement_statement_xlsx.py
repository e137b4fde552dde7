import re
from datetime import datetime

from xlsxwriter.utility import xl_rowcol_to_cell

from odoo import models
from odoo.tools import consteq

LINE_HEADER_ROW = 10  # 0-based row of the lines' header on a statement sheet


class StatementXlsxMixin(models.AbstractModel):
    """One statement on one sheet, as on the PDF: running balance and totals are formulas."""

    _name = "report.monthly_settlement_reports.statement_sheet"
    _inherit = "report.report_xlsx.abstract"
    _description = "Customer Statement Sheet (XLSX)"

    def _get_objs_for_report(self, docids, data):
        """Portal visitors with the statement's token (checked by the portal) read it in sudo."""
        statements = super()._get_objs_for_report(docids, data)
        token = (data or {}).get("access_token")
        if token and len(statements) == 1 and consteq(statements.sudo().access_token or "", token):
            return statements.sudo()
        return statements

    def get_workbook_options(self):
        """Built in memory: by default xlsxwriter writes each sheet to a temporary file first,
        which costs more than writing the sheet itself (every statement email carries one)."""
        return {**super().get_workbook_options(), "in_memory": True}

    def _formats(self, workbook):
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "bold": workbook.add_format({"bold": True}),
            "header": workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "bottom": 1}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "amount": workbook.add_format({"num_format": "#,##0.00;-#,##0.00;-"}),
            "total": workbook.add_format({"num_format": "#,##0.00;-#,##0.00;-", "bold": True, "top": 1}),
        }

    @staticmethod
    def _as_datetime(value):
        return datetime.combine(value, datetime.min.time()) if value else None

    def _write_statement_sheet(self, sheet, statement, formats):
        """Write ``statement`` on ``sheet``; returns the cell holding the closing balance formula."""
        statement = statement.with_context(lang=statement._get_statement_lang())
        env = statement.env
        type_labels = dict(statement.line_ids._fields["line_type"]._description_selection(statement.env))
        sheet.write(0, 0, statement.company_id.name, formats["title"])
        sheet.write(1, 0, env._("Statement of Account"), formats["bold"])
        header = [
            (env._("Customer"), statement.partner_id.name),
            (env._("Statement No."), statement.name),
            (env._("Revision"), statement.revision),
            (env._("Period"), f"{statement.period_start} - {statement.period_end}"),
            (env._("Statement Date"), self._as_datetime(statement.period_end)),
            (env._("Due Date"), self._as_datetime(statement.date_due)),
            (env._("Currency"), statement.currency_id.name),
        ]
        for row, (label, value) in enumerate(header, start=2):
            sheet.write(row, 0, label, formats["bold"])
            if isinstance(value, datetime):
                sheet.write_datetime(row, 1, value, formats["date"])
            else:
                sheet.write(row, 1, value)
        columns = [
            env._("Date"),
            env._("Document"),
            env._("Type"),
            env._("Reference"),
            env._("Due Date"),
            env._("Debit"),
            env._("Credit"),
            env._("Balance"),
        ]
        with_products = statement.detail_level == "products"
        if with_products:
            columns += [
                env._("Product"),
                env._("Quantity"),
                env._("Unit"),
                env._("Unit Price"),
                env._("Discount (%)"),
                env._("Taxes"),
                env._("Amount"),
            ]
            if any(getattr(detail, "dispute_summary", False) for detail in statement.detail_ids):
                columns.append(env._("Customer's Dispute"))
        sheet.write_row(LINE_HEADER_ROW, 0, columns, formats["header"])
        row = LINE_HEADER_ROW
        previous_line_row = row
        for line in statement._report_rows():
            row += 1
            if line._name == "monthly.settlement.statement.detail":
                self._write_product_row(sheet, row, line, formats)
                continue
            previous, previous_line_row = xl_rowcol_to_cell(previous_line_row, 7), row
            sheet.write_datetime(row, 0, self._as_datetime(line.date), formats["date"])
            if line.line_type == "opening":
                sheet.write(row, 1, env._("Opening balance"))
                sheet.write_number(row, 7, line.balance, formats["amount"])
                continue
            sheet.write(row, 1, line.name or "")
            sheet.write(row, 2, type_labels.get(line.line_type, ""))
            sheet.write(row, 3, line._report_reference())
            if line.date_due:
                sheet.write_datetime(row, 4, self._as_datetime(line.date_due), formats["date"])
            sheet.write_number(row, 5, line.debit, formats["amount"])
            sheet.write_number(row, 6, line.credit, formats["amount"])
            sheet.write_formula(
                row,
                7,
                f"={previous}+{xl_rowcol_to_cell(row, 5)}-{xl_rowcol_to_cell(row, 6)}",
                formats["amount"],
                line.balance,  # the value shown until recomputed: the balance stored with the statement
            )
        first, last = LINE_HEADER_ROW + 1, row
        total_row = row + 1
        sheet.write(total_row, 0, env._("Closing balance"), formats["bold"])
        for column, value in ((5, statement.period_debit), (6, statement.period_credit)):
            sheet.write_formula(
                total_row,
                column,
                f"=SUM({xl_rowcol_to_cell(first, column)}:{xl_rowcol_to_cell(last, column)})",
                formats["total"],
                value,
            )
        closing_cell = xl_rowcol_to_cell(total_row, 7)
        opening_cell = xl_rowcol_to_cell(first, 7)
        sheet.write_formula(
            total_row,
            7,
            f"={opening_cell}+{xl_rowcol_to_cell(total_row, 5)}-{xl_rowcol_to_cell(total_row, 6)}",
            formats["total"],
            statement.closing_balance,
        )
        ageing_row = total_row + 2
        sheet.write(ageing_row, 0, env._("Ageing at the statement date"), formats["bold"])
        for offset, bucket in enumerate(statement.ageing_ids, start=1):
            sheet.write(ageing_row + offset, 0, bucket.name)
            sheet.write_number(ageing_row + offset, 1, bucket.amount, formats["amount"])
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 3, 20)
        sheet.set_column(4, 4, 12)
        sheet.set_column(5, 7, 16)
        if with_products:
            sheet.set_column(8, 8, 24)
            sheet.set_column(9, 14, 12)
            sheet.set_column(15, 15, 36)
        sheet.freeze_panes(LINE_HEADER_ROW + 1, 0)
        sheet.repeat_rows(LINE_HEADER_ROW)
        sheet.print_area(0, 0, ageing_row + len(statement.ageing_ids), len(columns) - 1)
        sheet.fit_to_pages(1, 0)
        sheet.set_paper(9)  # A4
        return closing_cell

    @staticmethod
    def _write_product_row(sheet, row, detail, formats):
        """A product line under its document, in the product columns (the debit, credit and
        balance columns and their totals stay the documents')."""
        sheet.write(row, 8, detail.product_id.display_name or detail.name or "")
        sheet.write_number(row, 9, detail.quantity)
        sheet.write(row, 10, detail.uom_id.name or "")
        sheet.write_number(row, 11, detail.price_unit)
        sheet.write_number(row, 12, detail.discount)
        sheet.write(row, 13, detail.tax_label or "")
        sheet.write_number(row, 14, detail.amount, formats["amount"])
        if getattr(detail, "dispute_summary", False):
            sheet.write(row, 15, detail.dispute_summary)

    @staticmethod
    def _sheet_name(statement, used):
        """Unique sheet name of at most 31 characters without the characters Excel forbids."""
        base = re.sub(r"[\[\]:*?/\\]", "-", f"{statement.name} {statement.partner_id.name}")[:28]
        name, counter = base, 1
        while name.lower() in used:
            counter += 1
            name = f"{base[:26]}~{counter}"
        used.add(name.lower())
        return name


class StatementXlsx(models.AbstractModel):
    _name = "report.monthly_settlement_reports.report_statement_xlsx"
    _inherit = "report.monthly_settlement_reports.statement_sheet"
    _description = "Customer Statement (XLSX)"

    def generate_xlsx_report(self, workbook, data, objs):
        formats = self._formats(workbook)
        used = set()
        for statement in objs:
            self._write_statement_sheet(workbook.add_worksheet(self._sheet_name(statement, used)), statement, formats)


class StatementBatchXlsx(models.AbstractModel):
    """Many statements: a summary sheet whose figures point at each statement's sheet."""

    _name = "report.monthly_settlement_reports.report_statement_batch_xlsx"
    _inherit = "report.monthly_settlement_reports.statement_sheet"
    _description = "Customer Statements Workbook (XLSX)"

    def generate_xlsx_report(self, workbook, data, objs):
        formats = self._formats(workbook)
        env = self.env
        summary = workbook.add_worksheet(env._("Summary"))
        columns = [
            env._("Customer"),
            env._("Statement No."),
            env._("Period Start"),
            env._("Period End"),
            env._("Opening"),
            env._("Debits"),
            env._("Credits"),
            env._("Closing"),
            env._("State"),
            env._("Due Date"),
            env._("Overdue"),
        ]
        summary.write_row(0, 0, columns, formats["header"])
        states = dict(objs._fields["state"]._description_selection(env))
        used = {env._("Summary").lower()}
        objs.line_ids.mapped("balance")  # one prefetch for every sheet
        for row, statement in enumerate(objs, start=1):
            sheet_name = self._sheet_name(statement, used)
            closing_cell = self._write_statement_sheet(workbook.add_worksheet(sheet_name), statement, formats)
            summary.write_url(row, 0, f"internal:'{sheet_name}'!A1", string=statement.partner_id.name)
            summary.write(row, 1, statement.display_name)
            summary.write_datetime(row, 2, self._as_datetime(statement.period_start), formats["date"])
            summary.write_datetime(row, 3, self._as_datetime(statement.period_end), formats["date"])
            summary.write_number(row, 4, statement.opening_balance, formats["amount"])
            summary.write_number(row, 5, statement.period_debit, formats["amount"])
            summary.write_number(row, 6, statement.period_credit, formats["amount"])
            summary.write_formula(
                row, 7, f"='{sheet_name}'!{closing_cell}", formats["amount"], statement.closing_balance
            )
            summary.write(row, 8, states.get(statement.state, ""))
            summary.write_datetime(row, 9, self._as_datetime(statement.date_due), formats["date"])
            summary.write_number(row, 10, statement.amount_overdue, formats["amount"])
        last = len(objs)
        summary.write(last + 1, 0, env._("Total"), formats["bold"])
        totals = {
            4: "opening_balance",
            5: "period_debit",
            6: "period_credit",
            7: "closing_balance",
            10: "amount_overdue",
        }
        for column, field_name in totals.items():
            summary.write_formula(
                last + 1,
                column,
                f"=SUM({xl_rowcol_to_cell(1, column)}:{xl_rowcol_to_cell(last, column)})",
                formats["total"],
                round(sum(objs.mapped(field_name)), 2),
            )
        summary.set_column(0, 1, 24)
        summary.set_column(2, 10, 14)
        summary.freeze_panes(1, 0)
        summary.activate()
