from odoo import fields, models
from odoo.tools import format_amount

MATCH_STATUSES = [
    ("matched", "Matched"),
    ("difference", "Amount Difference"),
    ("only_ours", "Only in Our Books"),
    ("only_theirs", "Only in Their Books"),
]


class MonthlySettlementLedgerMatchLine(models.Model):
    """One line of either ledger and what matching found for it; lines matched together share
    a group number."""

    _name = "monthly.settlement.ledger.match.line"
    _description = "Customer Ledger Matching Line"
    _order = "match_id, status, group_number, side, date, id"

    match_id = fields.Many2one("monthly.settlement.ledger.match", required=True, ondelete="cascade", index=True)
    side = fields.Selection([("ours", "Our Books"), ("theirs", "Their Books")], string="Books", required=True)
    group_number = fields.Integer(string="Group", help="Lines matched with each other share a group.")
    status = fields.Selection(MATCH_STATUSES, required=True)
    method = fields.Selection(
        [("reference", "Document Number"), ("amount", "Amount and Date"), ("sum", "Sum of Several Lines")],
        string="Matched by",
    )
    statement_line_id = fields.Many2one("monthly.settlement.statement.line", ondelete="cascade")
    row_number = fields.Integer(string="Row in Their File")
    date = fields.Date()
    reference = fields.Char(string="Document")
    description = fields.Char()
    amount = fields.Monetary(help="From our side: what the customer owes more is positive.")
    currency_id = fields.Many2one(related="match_id.currency_id")

    def _dispute_comment(self, theirs):
        """What their ledger says of this line of ours (``theirs``: their lines matched with it), as
        the customer's dispute comment."""
        self.ensure_one()
        if not theirs:
            return self.env._("Not in the customer's ledger.")
        return self.env._(
            "The customer's ledger books %(amount)s (rows %(rows)s).",
            amount=format_amount(self.env, sum(theirs.mapped("amount")), self.currency_id),
            rows=", ".join(str(row) for row in theirs.mapped("row_number")),
        )
