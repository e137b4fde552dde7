"""The customer's own ledger matched against a statement (余额调节).

The file is read and checked as a whole (nothing half-imported); the matching itself is plain
Python over the two ledgers (tools/ledger_matching.py), and its result is written in one go.
"""

import base64
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.access import check_settlement_group
from ..tools.ledger_import import LedgerFileError, parse_ledger, read_table
from ..tools.ledger_matching import LedgerEntry, match_ledgers

# How many rejected rows the error message lists before it says how many more there are.
REJECTED_ROWS_SHOWN = 30
# The columns a customer's ledger is read by, remembered on the customer.
COLUMN_FIELDS = {
    "column_date": "date",
    "column_reference": "reference",
    "column_description": "description",
    "column_debit": "debit",
    "column_credit": "credit",
    "column_amount": "amount",
}


class MonthlySettlementLedgerMatch(models.Model):
    _name = "monthly.settlement.ledger.match"
    _description = "Customer Ledger Matching"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    statement_id = fields.Many2one(
        "monthly.settlement.statement", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="statement_id.company_id", store=True)
    partner_id = fields.Many2one(related="statement_id.partner_id", store=True, string="Customer")
    currency_id = fields.Many2one(related="statement_id.currency_id")
    ledger_file = fields.Binary(string="Customer's Ledger", attachment=True, required=True)
    ledger_filename = fields.Char(string="File Name")
    column_date = fields.Char(
        compute="_compute_columns", store=True, readonly=False, precompute=True, string="Date Column"
    )
    column_reference = fields.Char(
        compute="_compute_columns", store=True, readonly=False, precompute=True, string="Document Number Column"
    )
    column_description = fields.Char(
        compute="_compute_columns", store=True, readonly=False, precompute=True, string="Description Column"
    )
    column_debit = fields.Char(
        compute="_compute_columns",
        store=True,
        readonly=False,
        precompute=True,
        string="Debit Column",
        help="Their debit: payments they made to you.",
    )
    column_credit = fields.Char(
        compute="_compute_columns",
        store=True,
        readonly=False,
        precompute=True,
        string="Credit Column",
        help="Their credit: what they owe you more.",
    )
    column_amount = fields.Char(
        compute="_compute_columns",
        store=True,
        readonly=False,
        precompute=True,
        string="Amount Column",
        help="A single signed amount column instead of debit and credit: positive for what they owe you more.",
    )
    amount_tolerance = fields.Monetary(help="Amounts differing by at most this much are matched.")
    date_tolerance = fields.Integer(
        string="Date Tolerance (Days)", default=3, help="Lines matched by amount may be this many days apart."
    )
    state = fields.Selection([("draft", "To Match"), ("done", "Matched")], default="draft", readonly=True)
    line_ids = fields.One2many("monthly.settlement.ledger.match.line", "match_id", readonly=True)
    our_balance = fields.Monetary(string="Our Closing Balance", readonly=True)
    only_ours_amount = fields.Monetary(string="Only in Our Books", readonly=True)
    only_theirs_amount = fields.Monetary(string="Only in Their Books", readonly=True)
    difference_amount = fields.Monetary(string="Amount Differences", readonly=True)
    their_balance = fields.Monetary(string="Their Closing Balance", readonly=True)

    @api.depends("statement_id")
    def _compute_display_name(self):
        for match in self:
            match.display_name = self.env._("Ledger of %(statement)s", statement=match.statement_id.display_name)

    @api.depends("statement_id")
    def _compute_columns(self):
        """The columns the customer's last ledger was read by."""
        for match in self:
            remembered = match.statement_id.partner_id.settlement_ledger_columns or {}
            for field_name, key in COLUMN_FIELDS.items():
                match[field_name] = remembered.get(key) or match[field_name]

    def _get_column_mapping(self):
        return {key: self[field_name] for field_name, key in COLUMN_FIELDS.items() if self[field_name]}

    def _read_customer_ledger(self):
        """Their ledger as :class:`LedgerEntry` lines; every rejected row and why in one error."""
        mapping = self._get_column_mapping()
        try:
            content = base64.b64decode(self.with_context(bin_size=False).ledger_file or b"")
            rows = read_table(content, self.ledger_filename)
            entries, rejected = parse_ledger(self.env, rows, mapping, self.currency_id.decimal_places)
        except LedgerFileError as error:
            raise UserError(self.env._("The ledger file cannot be read: %(reason)s", reason=error)) from error
        if rejected:
            lines = [
                self.env._("Row %(row)s: %(reason)s", row=row, reason=reason)
                for row, reason in rejected[:REJECTED_ROWS_SHOWN]
            ]
            if len(rejected) > REJECTED_ROWS_SHOWN:
                lines.append(self.env._("and %(count)s more rows.", count=len(rejected) - REJECTED_ROWS_SHOWN))
            raise UserError(
                self.env._(
                    "Nothing was imported: %(count)s rows of the ledger were rejected.\n%(rows)s",
                    count=len(rejected),
                    rows="\n".join(lines),
                )
            )
        if not entries:
            raise UserError(self.env._("The ledger file has no lines under its column headers."))
        return entries

    def _our_entries(self):
        """The statement's lines as :class:`LedgerEntry` (the opening balance is no document),
        read in one query: a statement may have thousands."""
        self.env["monthly.settlement.statement.line"].flush_model()
        factor = 10**self.currency_id.decimal_places
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, date, amount, COALESCE(name, ''), COALESCE(ref, '')
                  FROM monthly_settlement_statement_line
                 WHERE statement_id = %s AND line_type != 'opening'
                 ORDER BY sequence, id
                """,
                self.statement_id.id,
            )
        )
        return [
            LedgerEntry(line_id, day, round(amount * factor), name, ref) for line_id, day, amount, name, ref in rows
        ]

    def action_match(self):
        """Read their ledger, match it and write the result and the reconciliation in one go."""
        check_settlement_group(self.env, "user")
        for match in self:
            theirs = match._read_customer_ledger()
            ours = match._our_entries()
            factor = 10**match.currency_id.decimal_places
            result = match_ledgers(ours, theirs, round(match.amount_tolerance * factor), max(match.date_tolerance, 0))
            match._write_result_lines(result, factor)
            figures = result.reconciliation(round(match.statement_id.closing_balance * factor))
            match.write(
                {
                    "state": "done",
                    "our_balance": figures["our_balance"] / factor,
                    "only_ours_amount": figures["only_ours"] / factor,
                    "only_theirs_amount": figures["only_theirs"] / factor,
                    "difference_amount": figures["differences"] / factor,
                    "their_balance": figures["their_balance"] / factor,
                }
            )
            # Remembered for the customer's next ledger.
            match.partner_id.sudo().settlement_ledger_columns = match._get_column_mapping()
        return True

    def _write_result_lines(self, result, factor):
        """Replace the result lines with one INSERT (a ledger has thousands of lines), as the engine
        stores statement lines."""
        Line = self.env["monthly.settlement.ledger.match.line"]
        Line.flush_model()
        self.env.cr.execute(SQL("DELETE FROM %s WHERE match_id = %s", SQL.identifier(Line._table), self.id))
        placed = []  # (side, group number, status, method, entry)
        for number, group in enumerate(result.groups, start=1):
            status = group.status(result.amount_tolerance)
            placed += [("ours", number, status, group.method, entry) for entry in group.ours]
            placed += [("theirs", number, status, group.method, entry) for entry in group.theirs]
        placed += [("ours", 0, "only_ours", False, entry) for entry in result.only_ours]
        placed += [("theirs", 0, "only_theirs", False, entry) for entry in result.only_theirs]
        self.env["monthly.settlement.engine"]._insert_rows(
            Line,
            [
                {
                    "match_id": self.id,
                    "side": side,
                    "group_number": number,
                    "status": status,
                    "method": method or None,
                    "statement_line_id": entry.key if side == "ours" else None,
                    "row_number": entry.key if side == "theirs" else 0,
                    "date": entry.date,
                    "reference": entry.reference,
                    "description": entry.description,
                    "amount": entry.amount / factor,
                }
                for side, number, status, method, entry in placed
            ],
        )
        self.invalidate_recordset(["line_ids"])

    def action_dispute_unmatched(self):
        """The reviewer records what the customer's ledger shows as the customer's dispute."""
        check_settlement_group(self.env, "reviewer")
        self.ensure_one()
        self._dispute_unmatched(channel="email")
        return True

    def _dispute_unmatched(self, channel, author=None):
        """Our lines that their ledger lacks or books at another amount become the statement's
        disputed lines, each with what their ledger says."""
        self.ensure_one()
        if self.state != "done":
            raise UserError(self.env._("Match the ledger first."))
        theirs_by_group = defaultdict(lambda: self.env["monthly.settlement.ledger.match.line"])
        for line in self.line_ids.filtered(lambda line: line.side == "theirs" and line.group_number):
            theirs_by_group[line.group_number] |= line
        comments = {
            line.statement_line_id.id: line._dispute_comment(theirs_by_group[line.group_number])
            for line in self.line_ids.filtered(lambda line: line.side == "ours" and line.status != "matched")
        }
        if not comments:
            raise UserError(self.env._("Every line of the statement is in the customer's ledger at the same amount."))
        self.statement_id._record_dispute(
            comments,
            self.env._("Differences found against the customer's own ledger (%(file)s).", file=self.ledger_filename),
            channel=channel,
            author=author,
        )

    @api.model
    def _latest_for(self, statement):
        """The last ledger matched against ``statement``, as its customer sees it on the portal."""
        return self.search([("statement_id", "=", statement.id), ("state", "=", "done")], limit=1)

    @api.model
    def _match_from_portal(self, statement, filename, content, columns):
        """The customer uploads their ledger next to a statement they may see (``statement`` in
        sudo, checked by the portal): matched at once; an unreadable file leaves nothing behind."""
        if not statement.is_awaiting_answer:
            raise UserError(self.env._("This statement is not waiting for your answer any more."))
        if not content:
            raise UserError(self.env._("Choose your ledger file (XLSX or CSV)."))
        values = {
            "statement_id": statement.id,
            "ledger_file": base64.b64encode(content),
            "ledger_filename": filename,
        }
        values.update(
            {f"column_{key}": (value or "").strip() for key, value in columns.items() if key in COLUMN_FIELDS.values()}
        )
        with self.env.cr.savepoint():
            match = self.sudo().create(values)
            match.action_match()
        return match
