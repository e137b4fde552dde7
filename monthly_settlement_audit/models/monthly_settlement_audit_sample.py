"""Audit sampling: an auditor draws statements the customers received in a period, with a recorded
seed (the same seed draws the same statements), and works through a checklist per statement,
pre-filled from what the module can verify."""

import math
import random
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from odoo.addons.monthly_settlement.tools.access import check_settlement_group

SEED_LIMIT = 2**31 - 1  # a PostgreSQL integer
CHECK_RESULTS = [
    ("ok", "OK"),
    ("exception", "Exception"),
    ("na", "Not Applicable"),
    ("not_checked", "Not Checked"),
]
# What defines the draw: fixed once drawn, so that the seed keeps reproducing the sample.
DRAW_FIELDS = {"company_id", "date_from", "date_to", "sample_method", "sample_size", "sample_percent", "seed"}
# What the auditor writes on a checklist line; the rest is the draw's.
LINE_EDITABLE_FIELDS = {
    "ledger_result",
    "four_eyes_result",
    "sent_result",
    "confirmation_result",
    "integrity_result",
    "findings",
    "corrective_action",
    "status",
}


def new_seed():
    return secrets.randbelow(SEED_LIMIT) + 1


class MonthlySettlementAuditSample(models.Model):
    _name = "monthly.settlement.audit.sample"
    _description = "Statement Audit Sample"
    _inherit = ["mail.thread"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, tracking=True
    )
    date_from = fields.Date(
        string="Statement Dates From",
        required=True,
        tracking=True,
        help="The population: statements with a statement date in this range that the customer has "
        "(sent, confirmed, deemed confirmed or disputed; not replaced by a newer revision).",
    )
    date_to = fields.Date(string="To", required=True, tracking=True)
    sample_method = fields.Selection(
        [("size", "Number of Statements"), ("percent", "Percentage")],
        string="Sample By",
        required=True,
        default="size",
        tracking=True,
    )
    sample_size = fields.Integer(string="Number of Statements", default=25, tracking=True)
    sample_percent = fields.Float(string="Percentage", default=10.0, tracking=True)
    seed = fields.Integer(
        required=True,
        default=lambda self: new_seed(),
        tracking=True,
        copy=False,
        help="Drawn at random when the sample is made, and recorded: drawing again with the same seed over "
        "the same population draws the same statements. Redraw takes a new seed.",
    )
    send_days = fields.Integer(
        string="Sent Within (Days)",
        default=5,
        required=True,
        tracking=True,
        help="Days after the statement date within which a statement should have been sent.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("drawn", "Drawn")], default="draft", required=True, readonly=True, tracking=True
    )
    population_count = fields.Integer(string="Population", readonly=True, help="Statements the sample was drawn from.")
    drawn_count = fields.Integer(string="Drawn", compute="_compute_counts")
    exception_count = fields.Integer(string="Exceptions", compute="_compute_counts")
    to_check_count = fields.Integer(string="To Check", compute="_compute_counts")
    draw_date = fields.Datetime(string="Drawn on", readonly=True, copy=False)
    draw_uid = fields.Many2one("res.users", string="Drawn by", readonly=True, copy=False)
    line_ids = fields.One2many("monthly.settlement.audit.sample.line", "sample_id", string="Checklist", copy=False)
    note = fields.Text(string="Conclusion")

    @api.depends("line_ids.status", "line_ids.has_exception")
    def _compute_counts(self):
        for sample in self:
            sample.drawn_count = len(sample.line_ids)
            sample.exception_count = len(sample.line_ids.filtered("has_exception"))
            sample.to_check_count = len(sample.line_ids.filtered(lambda line: line.status == "to_check"))

    @api.constrains("date_from", "date_to", "sample_method", "sample_size", "sample_percent", "send_days", "seed")
    def _check_draw_values(self):
        for sample in self:
            if sample.date_from > sample.date_to:
                raise ValidationError(self.env._("The period of the sample ends before it starts."))
            if sample.sample_method == "size" and sample.sample_size <= 0:
                raise ValidationError(self.env._("Draw at least one statement."))
            if sample.sample_method == "percent" and not 0 < sample.sample_percent <= 100:
                raise ValidationError(self.env._("The percentage of statements to draw is between 0 and 100."))
            if sample.send_days < 0:
                raise ValidationError(self.env._("The days within which statements are sent cannot be negative."))
            if not 0 < sample.seed <= SEED_LIMIT:
                raise ValidationError(self.env._("The seed is a whole number from 1 to %(limit)s.", limit=SEED_LIMIT))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code(self._name) or "/"
        return super().create(vals_list)

    def write(self, vals):
        if DRAW_FIELDS & vals.keys() and self.filtered(lambda sample: sample.state == "drawn"):
            raise UserError(
                self.env._(
                    "The sample is drawn: its period, size and seed are what reproduce it. "
                    "Reset it to draft to change them."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Drawing
    # ------------------------------------------------------------------

    def _population(self):
        """Statements the customer has with a statement date in the sample's period, by id: the
        order the seed draws from."""
        self.ensure_one()
        return (
            self.env["monthly.settlement.statement"]
            .with_company(self.company_id)
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("period_end", ">=", self.date_from),
                    ("period_end", "<=", self.date_to),
                    ("is_with_customer", "=", True),
                ],
                order="id",
            )
        )

    def _sample_count(self, population_count):
        """How many statements to draw: the size, or the percentage rounded up; never more than
        there are."""
        self.ensure_one()
        if self.sample_method == "percent":
            count = math.ceil(population_count * self.sample_percent / 100)
        else:
            count = self.sample_size
        return min(count, population_count)

    def _draw(self):
        """Draw the sample from its seed and make its checklist, pre-filled."""
        check_settlement_group(self.env, "auditor")
        self.check_access("write")
        for sample in self:
            sample._check_no_findings()
            population = sample._population()
            if not population:
                raise UserError(
                    self.env._(
                        "No statement of %(company)s dated from %(date_from)s to %(date_to)s is with the "
                        "customer: there is nothing to draw.",
                        company=sample.company_id.name,
                        date_from=format_date(self.env, sample.date_from),
                        date_to=format_date(self.env, sample.date_to),
                    )
                )
            drawn_ids = random.Random(sample.seed).sample(population.ids, sample._sample_count(len(population)))
            sample.line_ids.sudo().unlink()
            lines = (
                self.env["monthly.settlement.audit.sample.line"]
                .sudo()
                .create(
                    [
                        {"sample_id": sample.id, "statement_id": statement_id, "sequence": index}
                        for index, statement_id in enumerate(drawn_ids, start=1)
                    ]
                )
            )
            lines._prefill_checks()
            sample.write(
                {
                    "state": "drawn",
                    "population_count": len(population),
                    "draw_date": fields.Datetime.now(),
                    "draw_uid": self.env.uid,
                }
            )
        return True

    def _check_no_findings(self):
        worked = self.line_ids.filtered(
            lambda line: line.status == "checked" or line.findings or line.corrective_action
        )
        if worked:
            raise UserError(
                self.env._(
                    "Sample %(sample)s already has findings (statement %(statement)s): it cannot be drawn again.",
                    sample=worked[0].sample_id.name,
                    statement=worked[0].statement_id.display_name,
                )
            )

    def action_draw(self):
        """Draw with the recorded seed."""
        return self._draw()

    def action_redraw(self):
        """Draw again with a new seed."""
        self.action_reset_draft()
        for sample in self:
            sample.seed = new_seed()
        return self._draw()

    def action_reset_draft(self):
        """Back to draft, to change the period, size or seed: the checklist goes with the draw."""
        self.check_access("write")
        self._check_no_findings()
        self.line_ids.sudo().unlink()
        self.write({"state": "draft", "population_count": 0, "draw_date": False, "draw_uid": False})
        return True

    def action_refresh_checks(self):
        """Pre-fill the checks again from the books as they are now (findings are kept)."""
        self.check_access("write")
        self.line_ids.sudo()._prefill_checks()
        return True

    def action_export_xlsx(self):
        self.check_access("read")
        return self.env.ref("monthly_settlement_audit.action_report_audit_sample_xlsx").report_action(self)

    def action_issue_confirmation_letters(self):
        """Balance confirmation letters to the sampled statements' customers."""
        self.check_access("read")
        return self.env["monthly.settlement.confirmation.letter.issue"].action_open_for_partners(
            self.line_ids.statement_id.partner_id
        )


class MonthlySettlementAuditSampleLine(models.Model):
    _name = "monthly.settlement.audit.sample.line"
    _description = "Statement Audit Checklist"
    _order = "sample_id, sequence, id"

    sample_id = fields.Many2one(
        "monthly.settlement.audit.sample", required=True, readonly=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(string="No.", readonly=True)
    company_id = fields.Many2one(related="sample_id.company_id", store=True, index=True)
    statement_id = fields.Many2one("monthly.settlement.statement", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(related="statement_id.partner_id", string="Customer")
    period_end = fields.Date(related="statement_id.period_end", string="Statement Date")
    statement_state = fields.Selection(related="statement_id.state", string="Statement State")
    currency_id = fields.Many2one(related="statement_id.currency_id")
    closing_balance = fields.Monetary(related="statement_id.closing_balance")
    ledger_balance = fields.Monetary(
        string="Ledger Balance Now",
        readonly=True,
        help="The customer's receivable balance at the statement date in the statement's currency, "
        "recomputed from the posted journal items when the checks were filled in.",
    )
    send_delay_days = fields.Integer(
        string="Sent After (Days)", readonly=True, help="Days from the statement date to its sending."
    )
    integrity_note = fields.Text(string="Integrity Problems", readonly=True)
    ledger_result = fields.Selection(CHECK_RESULTS, string="Agrees with Ledger", default="not_checked")
    four_eyes_result = fields.Selection(CHECK_RESULTS, string="Four Eyes", default="not_checked")
    sent_result = fields.Selection(CHECK_RESULTS, string="Sent in Time", default="not_checked")
    confirmation_result = fields.Selection(CHECK_RESULTS, string="Confirmation", default="not_checked")
    integrity_result = fields.Selection(CHECK_RESULTS, string="Integrity", default="not_checked")
    has_exception = fields.Boolean(compute="_compute_has_exception", store=True)
    findings = fields.Text()
    corrective_action = fields.Text()
    status = fields.Selection([("to_check", "To Check"), ("checked", "Checked")], default="to_check", required=True)
    checked_uid = fields.Many2one("res.users", string="Checked by", readonly=True)
    checked_date = fields.Datetime(string="Checked on", readonly=True)

    @api.depends("ledger_result", "four_eyes_result", "sent_result", "confirmation_result", "integrity_result")
    def _compute_has_exception(self):
        for line in self:
            line.has_exception = "exception" in line._check_results()

    def _check_results(self):
        self.ensure_one()
        return [
            self.ledger_result,
            self.four_eyes_result,
            self.sent_result,
            self.confirmation_result,
            self.integrity_result,
        ]

    def write(self, vals):
        if not self.env.su:
            if vals.keys() - LINE_EDITABLE_FIELDS:
                raise UserError(self.env._("Only the checks, findings and status of a checklist line can be changed."))
        if "status" in vals:
            vals = dict(vals)
            checked = vals["status"] == "checked"
            vals["checked_uid"] = self.env.uid if checked else False
            vals["checked_date"] = fields.Datetime.now() if checked else False
        return super().write(vals)

    # ------------------------------------------------------------------
    # Checks the module verifies
    # ------------------------------------------------------------------

    def _prefill_checks(self):
        """Fill in the checks from the facts, for all lines at once."""
        statements = self.statement_id
        ledger = self._ledger_balances(statements)
        integrity = self._integrity_results(statements)
        for line in self:
            statement = line.statement_id
            send_day = statement._get_send_day()
            send_delay = (send_day - statement.period_end).days if send_day else 0
            integrity_result, integrity_note = integrity[statement.id]
            line.write(
                {
                    "ledger_balance": ledger.get(statement.id, 0.0),
                    "ledger_result": "exception"
                    if statement.currency_id.compare_amounts(ledger.get(statement.id, 0.0), statement.closing_balance)
                    else "ok",
                    "four_eyes_result": "ok"
                    if statement.approve_uid
                    and statement.approve_uid not in statement.submit_uid | statement.generate_uid
                    else "exception",
                    "send_delay_days": send_delay,
                    "sent_result": "ok" if send_day and send_delay <= line.sample_id.send_days else "exception",
                    # The customer's own answer; deemed confirmation is silence, disputes are open.
                    "confirmation_result": "ok" if statement.state == "confirmed" else "exception",
                    "integrity_result": integrity_result,
                    "integrity_note": integrity_note,
                }
            )

    @api.model
    def _ledger_balances(self, statements):
        """{statement id: the customer's receivable balance at its statement date, in its currency,
        from the posted journal items as they are now}: one query for all statements."""
        if not statements:
            return {}
        self.env.flush_all()  # raw SQL below: what the ORM holds in memory must be in the database
        self.env.cr.execute(
            SQL(
                """
            SELECT statement.id, COALESCE(SUM(item.amount_currency), 0)
              FROM monthly_settlement_statement statement
              LEFT JOIN (
                    SELECT partner.commercial_partner_id AS partner_id, line.company_id, line.currency_id,
                           line.date, line.amount_currency
                      FROM account_move_line line
                      JOIN account_account account ON account.id = line.account_id
                      JOIN res_partner partner ON partner.id = line.partner_id
                     WHERE account.account_type = 'asset_receivable'
                       AND line.parent_state = 'posted'
                   ) AS item
                ON item.partner_id = statement.partner_id
               AND item.company_id = statement.company_id
               AND item.currency_id = statement.currency_id
               AND item.date <= statement.period_end
             WHERE statement.id = ANY(%(ids)s)
             GROUP BY statement.id
            """,
                ids=statements.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _integrity_results(self, statements):
        """{statement id: (result, problems)} from the archive's integrity check when the statement
        model has one (``_integrity_problems``: {archived statement id: [problems]}, no key for an
        intact or unarchived statement; archived ones have an ``archive_entry_id``). Without it,
        nothing is checked."""
        Statement = self.env["monthly.settlement.statement"]
        if not hasattr(Statement, "_integrity_problems"):
            return dict.fromkeys(statements.ids, ("not_checked", False))
        statements = statements.sudo()
        problems = statements._integrity_problems()
        results = {}
        for statement in statements:
            if problems.get(statement.id):
                results[statement.id] = ("exception", "\n".join(str(problem) for problem in problems[statement.id]))
            elif "archive_entry_id" in statement._fields and not statement.archive_entry_id:
                results[statement.id] = ("na", False)
            else:
                results[statement.id] = ("ok", False)
        return results
