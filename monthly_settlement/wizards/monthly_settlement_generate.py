from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

# Outcomes of a generation for one customer, in the order the result lists them.
OUTCOMES = ("made", "had_one", "held", "nothing")
# Customers named per outcome in the result; the others are counted.
NAMES_SHOWN = 30


class MonthlySettlementGenerate(models.TransientModel):
    _name = "monthly.settlement.generate"
    _description = "Generate Customer Statements"

    state = fields.Selection([("choose", "Choose"), ("done", "Done")], default="choose", required=True)
    all_partners = fields.Boolean(
        string="All Monthly Customers",
        default=True,
        help="Generate for every monthly customer of the company.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        domain="[('settlement_is_monthly', '=', True), '|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    date_to = fields.Date(
        string="Periods Closed On or Before",
        default=lambda self: fields.Date.context_today(self) - timedelta(days=1),
        help="Each customer gets the statement of their last period closed on or before this "
        "date, by their own cut-off day and cycle.",
    )
    statement_ids = fields.Many2many(
        "monthly.settlement.statement", "monthly_settlement_generate_statement_rel", string="Statements Made"
    )
    result = fields.Html(readonly=True, sanitize=False)

    @api.model
    def action_open_for_partners(self, partners):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Generate Statements"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_all_partners": False, "default_partner_ids": partners.ids},
        }

    def _get_partners(self):
        if self.all_partners:
            partners = self.env["res.partner"]._search_monthly_customers(self.env.company)
        else:
            partners = self.partner_ids.commercial_partner_id
            not_monthly = partners.filtered(lambda partner: not partner.settlement_is_monthly)
            if not_monthly:
                raise UserError(
                    self.env._(
                        "These customers are not on monthly settlement: %(names)s",
                        names=", ".join(not_monthly.mapped("display_name")),
                    )
                )
        if not partners:
            raise UserError(self.env._("Choose at least one monthly customer."))
        return partners

    def action_generate(self):
        """Generate, then show per customer what happened."""
        self.ensure_one()
        if not self.date_to:
            raise UserError(self.env._("Give the date the periods to state closed on or before."))
        if self.date_to > fields.Date.context_today(self):
            raise UserError(self.env._("Statements can only be generated for periods that have closed."))
        statements, left, jobs = self._generate(self._get_partners())
        self.write({"state": "done", "statement_ids": statements.ids, "result": self._result(jobs, statements, left)})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Generate Statements"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _generate(self, partners):
        """:return: (statements made, partners left to another run, the jobs {partner: period})"""
        statements, left = self.env["monthly.settlement.statement"]._generate_statements(partners, self.date_to)
        return statements, left, self.env["monthly.settlement.engine"]._jobs(partners, self.date_to)

    def _statement_type(self):
        """The type of statement the wizard makes (monthly_settlement_sale also makes delivery statements)."""
        return "account"

    def _outcomes(self, jobs, statements, left):
        """{outcome: [(partner, period, statement or None)]}, outcomes as in OUTCOMES."""
        existing = {
            (statement.partner_id, statement.period_end): statement
            for statement in self.env["monthly.settlement.statement"].search(
                [
                    ("company_id", "=", self.env.company.id),
                    ("partner_id", "in", [partner.id for partner in jobs]),
                    ("period_end", "in", list({end for _start, end in jobs.values()})),
                    ("superseded_by_id", "=", False),
                    ("statement_type", "=", self._statement_type()),
                ]
            )
        }
        made = {statement.partner_id: statement for statement in statements}
        outcomes = {outcome: [] for outcome in OUTCOMES}
        for partner, period in jobs.items():
            if partner in made:
                outcomes["made"].append((partner, period, made[partner]))
            elif (partner, period[1]) in existing:
                outcomes["had_one"].append((partner, period, existing[partner, period[1]]))
            elif partner in left:
                outcomes["held"].append((partner, period, None))
            else:
                outcomes["nothing"].append((partner, period, None))
        return outcomes

    def _result(self, jobs, statements, left):
        env = self.env
        titles = {
            "made": env._("Statements made"),
            "had_one": env._("Already had a statement for the period (a cancelled one can be reopened)"),
            "held": env._(
                "Being generated by another run right now (the nightly job or a colleague): try again in a moment"
            ),
            "nothing": env._("Nothing to state: no balance and no posted document in the period"),
        }
        html = Markup()
        for outcome, rows in self._outcomes(jobs, statements, left).items():
            if not rows:
                continue
            items = Markup().join(self._result_line(*row) for row in rows[:NAMES_SHOWN])
            more = (
                Markup("<li>%s</li>") % env._("and %(count)s more", count=len(rows) - NAMES_SHOWN)
                if len(rows) > NAMES_SHOWN
                else Markup()
            )
            html += Markup("<h5>%s: %s</h5><ul>%s%s</ul>") % (titles[outcome], len(rows), items, more)
        return html

    def _result_line(self, partner, period, statement):
        """A customer, the period and, if there is one, a link to its statement."""
        line = Markup("%s (%s – %s)") % (
            partner.display_name,
            format_date(self.env, period[0]),
            format_date(self.env, period[1]),
        )
        if statement:
            line += Markup(': <a href="/odoo/monthly.settlement.statement/%s">%s</a>') % (
                statement.id,
                statement.display_name,
            )
            if statement.state == "cancel":
                line += Markup(" %s") % self.env._("(cancelled)")
        return Markup("<li>%s</li>") % line

    def action_open_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("monthly_settlement.action_monthly_settlement_statement")
        action["domain"] = [("id", "in", self.statement_ids.ids)]
        return action
