"""Audit pack for external auditors: every archived statement and confirmation letter of a period
with its files, XLSX and CSV indexes, and a SHA256SUMS manifest that ``sha256sum -c SHA256SUMS``
verifies."""

import base64
import io

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.monthly_settlement.models.monthly_settlement_statement_archive import safe_file_name
from odoo.addons.monthly_settlement.tools.access import check_settlement_group


class MonthlySettlementAuditPack(models.TransientModel):
    _name = "monthly.settlement.audit.pack"
    _description = "Audit Pack"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date_from = fields.Date(string="Statements From", required=True)
    date_to = fields.Date(string="Statements To", required=True)
    pack = fields.Binary(string="Audit Pack", readonly=True, attachment=False)
    pack_name = fields.Char(readonly=True)
    statement_count = fields.Integer(string="Statements", readonly=True)
    letter_count = fields.Integer(string="Confirmation Letters", readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for pack in self:
            if pack.date_from > pack.date_to:
                raise UserError(self.env._("The period of the audit pack ends before it starts."))

    def _statements(self):
        self.ensure_one()
        return self.env["monthly.settlement.statement"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("archive_entry_id", "!=", False),
                ("period_end", ">=", self.date_from),
                ("period_end", "<=", self.date_to),
            ],
            order="archive_number",
        )

    def _letters(self):
        """The archived confirmation letters whose balance date falls in the period."""
        self.ensure_one()
        return self.env["monthly.settlement.confirmation.letter"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("archive_entry_id", "!=", False),
                ("balance_date", ">=", self.date_from),
                ("balance_date", "<=", self.date_to),
            ],
            order="archive_number",
        )

    def action_build(self):
        """Build the ZIP and show it for download."""
        self.ensure_one()
        check_settlement_group(self.env, "auditor")
        statements, letters = self._statements(), self._letters()
        if not statements and not letters:
            raise UserError(self.env._("No archived statement or confirmation letter has its date in this period."))
        extra_files = {self.env._("index.xlsx"): self._index_xlsx(statements, letters)}
        if letters:
            extra_files.update(letters._archive_files())
            extra_files[self.env._("letters.csv")] = letters._archive_index_csv()
        files = statements._archive_package(extra_files=extra_files)
        name = self.env._(
            "Audit pack %(company)s %(date_from)s %(date_to)s.zip",
            company=safe_file_name(self.company_id.name),
            date_from=self.date_from,
            date_to=self.date_to,
        )
        self.write(
            {
                "pack": base64.b64encode(statements._archive_zip(files)),
                "pack_name": name,
                "statement_count": len(statements),
                "letter_count": len(letters),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _index_xlsx(self, statements, letters=None):
        """The archive indexes (the same columns as the CSVs) as a workbook: statements, then letters."""
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        bold = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "bottom": 1})
        sheets = [(self.env._("Index"), statements)]
        if letters:
            sheets.append((self.env._("Confirmation Letters"), letters))
        for title, documents in sheets:
            header, rows = documents._archive_index()
            sheet = workbook.add_worksheet(title)
            sheet.write_row(0, 0, header, bold)
            for row_index, row in enumerate(rows, start=1):
                sheet.write_row(row_index, 0, row)
            sheet.freeze_panes(1, 0)
        workbook.close()
        return buffer.getvalue()
