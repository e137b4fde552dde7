from odoo import api, fields, models

LINE_TYPES = [
    ("opening", "Opening balance"),
    ("invoice", "Invoice"),
    ("refund", "Credit note"),
    ("payment", "Payment"),
    ("other", "Other entry"),
]


class MonthlySettlementStatementLine(models.Model):
    """One document of the period, frozen at generation.

    The statement inserts lines in bulk; no group has write access, so they stay as generated.
    """

    _name = "monthly.settlement.statement.line"
    _description = "Customer Statement Line"
    _order = "statement_id, sequence, id"

    statement_id = fields.Many2one("monthly.settlement.statement", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    line_type = fields.Selection(LINE_TYPES, string="Type", required=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", ondelete="set null", index="btree_not_null")
    name = fields.Char(string="Document")
    ref = fields.Char(string="Reference")
    date = fields.Date()
    date_due = fields.Date(string="Due Date")
    amount = fields.Monetary(help="Signed movement: invoices positive, credit notes and payments negative.")
    open_amount = fields.Monetary(
        string="Open at Statement Date",
        help="What was still unpaid of this document on the statement date.",
    )
    balance = fields.Monetary(string="Running Balance")
    debit = fields.Monetary(compute="_compute_debit_credit")
    credit = fields.Monetary(compute="_compute_debit_credit")
    revision_change = fields.Selection(
        [("added", "Added"), ("changed", "Changed")],
        string="Since Last Revision",
        readonly=True,
        help="On a new revision: the documents added or changed since the revision it replaces.",
    )
    is_disputed = fields.Boolean(string="Disputed", readonly=True)
    dispute_comment = fields.Text(string="Customer's Comment", readonly=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    company_id = fields.Many2one(related="statement_id.company_id")

    # The customer's answer is all that moves on the lines of a sent statement.
    _ANSWER_FIELDS = frozenset({"is_disputed", "dispute_comment"})

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.statement_id._check_content_unchanged({"line_ids"})
        return lines

    def write(self, vals):
        if vals.keys() - self._ANSWER_FIELDS:
            self.statement_id._check_content_unchanged({"line_ids"})
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never_sent(self):
        self.statement_id._check_content_unchanged({"line_ids"})

    @api.depends("amount")
    def _compute_debit_credit(self):
        for line in self:
            line.debit = max(line.amount, 0.0)
            line.credit = max(-line.amount, 0.0)
