from datetime import date, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import settlement_calendar
from ..tools.access import check_settlement_group, has_settlement_group
from .res_company import PAYMENT_BASES, SETTLEMENT_CYCLES


def is_monthly_mode(settlement_mode):
    """The one definition of a monthly customer: every settlement mode but per invoice (monthly,
    and monthly with statement before invoice, which monthly_settlement_sale adds)."""
    return bool(settlement_mode) and settlement_mode != "invoice"


DETAIL_LEVELS = [("documents", "Documents only"), ("products", "Documents with product lines")]
SETTLEMENT_TERM_FIELDS = (
    "settlement_mode",
    "settlement_cycle",
    "settlement_cutoff_day",
    "settlement_cutoff_month_end",
    "settlement_payment_days",
    "settlement_payment_base",
    "settlement_delivery_email",
    "settlement_delivery_portal",
    "settlement_delivery_paper",
    "settlement_contact_ids",
    "settlement_paper_contact_id",
    "settlement_accountant_id",
    "settlement_confirm_days",
    "settlement_lang",
    "settlement_detail_level",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    settlement_mode = fields.Selection(
        [("invoice", "Per invoice"), ("monthly", "Monthly settlement")],
        default="invoice",
        required=True,
        tracking=True,
        help="Monthly settlement: invoices are grouped into statement periods and fall due "
        "by the statement's terms instead of the invoice payment terms.",
    )
    settlement_is_monthly = fields.Boolean(
        string="Monthly Customer",
        compute="_compute_settlement_is_monthly",
        store=True,
        index=True,
        help="On monthly settlement, whichever its mode: gets statements of account.",
    )
    settlement_cycle = fields.Selection(
        SETTLEMENT_CYCLES,
        string="Statement Cycle",
        default=lambda self: self.env.company.settlement_cycle,
        tracking=True,
    )
    settlement_cutoff_day = fields.Integer(
        string="Cut-off Day",
        default=lambda self: self.env.company.settlement_cutoff_day,
        tracking=True,
        help="Day of the month (1-28) on which a statement period closes.",
    )
    settlement_cutoff_month_end = fields.Boolean(
        string="Cut-off at Month End",
        default=lambda self: self.env.company.settlement_cutoff_month_end,
        tracking=True,
    )
    settlement_payment_days = fields.Integer(
        string="Payment Days",
        default=lambda self: self.env.company.settlement_payment_days,
        tracking=True,
        help="Days the customer has to pay a statement, e.g. 60 for 月结60天.",
    )
    settlement_payment_base = fields.Selection(
        PAYMENT_BASES,
        string="Payment Days Counted From",
        default=lambda self: self.env.company.settlement_payment_base,
        tracking=True,
    )
    settlement_delivery_email = fields.Boolean(string="Send by Email", default=True)
    settlement_delivery_portal = fields.Boolean(string="Publish on Portal", default=True)
    settlement_delivery_paper = fields.Boolean(string="Deliver on Paper")
    settlement_contact_ids = fields.Many2many(
        "res.partner",
        "res_partner_settlement_contact_rel",
        "partner_id",
        "contact_id",
        string="Statement Contacts",
        help="People who receive the statements and payment reminders. Empty: the customer's own email address.",
    )
    settlement_paper_contact_id = fields.Many2one(
        "res.partner",
        string="Paper Statements To",
        help="The contact whose name and address are printed in the envelope window of the statements "
        "printed for post. Empty: the customer itself.",
    )
    settlement_accountant_id = fields.Many2one(
        "res.users",
        string="Responsible Accountant",
        domain="[('share', '=', False)]",
        tracking=True,
    )
    settlement_confirm_days = fields.Integer(
        string="Deemed Confirmed After (Days)",
        help="A sent statement the customer neither confirms nor disputes within this "
        "many days counts as confirmed. Empty or 0: never.",
    )
    settlement_lang = fields.Selection(
        selection=lambda self: self.env["res.lang"].get_installed(),
        string="Statement Language",
        help="Language of the statements and their emails. Empty: the customer's language.",
    )
    settlement_detail_level = fields.Selection(
        DETAIL_LEVELS,
        string="Statement Detail",
        default="documents",
        required=True,
        help="Documents with their product lines: each invoice and credit note on the statement lists "
        "its products (quantity, unit, unit price, taxes, amount).",
    )
    settlement_ledger_columns = fields.Json(
        string="Ledger Columns",
        readonly=True,
        help="The column headers the customer's own ledger was last read by, for the next one.",
    )
    settlement_statement_ids = fields.One2many("monthly.settlement.statement", "partner_id", string="Statements")
    settlement_statement_count = fields.Integer(compute="_compute_settlement_statement_count")
    settlement_terms_editable = fields.Boolean(compute="_compute_settlement_terms_editable")
    # What a preparer looks at in the monthly customers list.
    settlement_cutoff_label = fields.Char(string="Cut-off", compute="_compute_settlement_cutoff_label")
    settlement_next_cutoff = fields.Date(
        string="Next Statement Date",
        compute="_compute_settlement_next_cutoff",
        help="The end of the period running today: the next statement's date.",
    )
    settlement_last_statement_id = fields.Many2one(
        "monthly.settlement.statement",
        string="Last Statement",
        compute="_compute_settlement_last_statement",
        help="The latest statement in the current company (its current revision).",
    )
    settlement_last_statement_state = fields.Selection(
        selection=lambda self: (
            self.env["monthly.settlement.statement"]._fields["state"]._description_selection(self.env)
        ),
        string="Last Statement State",
        compute="_compute_settlement_last_statement",
    )
    settlement_statement_missing = fields.Boolean(
        string="Statement Missing",
        compute="_compute_settlement_last_statement",
        search="_search_settlement_statement_missing",
        help="The last period closed has no statement yet in the current company.",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + list(SETTLEMENT_TERM_FIELDS)

    @api.depends("settlement_mode")
    def _compute_settlement_is_monthly(self):
        for partner in self:
            partner.settlement_is_monthly = is_monthly_mode(partner.settlement_mode)

    def _compute_settlement_statement_count(self):
        counts = dict(
            self.env["monthly.settlement.statement"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.settlement_statement_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("settlement_cutoff_day", "settlement_cutoff_month_end")
    @api.depends_context("lang")
    def _compute_settlement_cutoff_label(self):
        for partner in self:
            terms = partner.commercial_partner_id
            if not terms.settlement_is_monthly:
                partner.settlement_cutoff_label = False
            elif terms.settlement_cutoff_month_end:
                partner.settlement_cutoff_label = self.env._("Month end")
            else:
                partner.settlement_cutoff_label = self.env._("Day %(day)s", day=terms.settlement_cutoff_day)

    @api.depends_context("tz")
    def _compute_settlement_next_cutoff(self):
        today = fields.Date.context_today(self)
        for partner in self:
            monthly = partner.commercial_partner_id.settlement_is_monthly
            partner.settlement_next_cutoff = monthly and partner._get_settlement_period(today)[1]

    @api.depends_context("company", "tz")
    def _compute_settlement_last_statement(self):
        """The latest current statement of each customer, and whether its last closed period has
        one: two queries whatever the number of customers, neither reading their history."""
        Statement = self.env["monthly.settlement.statement"]
        domain = [
            ("partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "=", self.env.company.id),
            ("superseded_by_id", "=", False),
            ("statement_type", "=", "account"),
        ]
        last_period_end = dict(Statement._read_group(domain, ["partner_id"], ["period_end:max"]))
        latest = {}
        for statement in Statement.search(
            [*domain, ("period_end", "in", list(set(last_period_end.values())))], order="id desc"
        ):
            if statement.period_end == last_period_end[statement.partner_id]:
                latest.setdefault(statement.partner_id, statement)
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
        for partner in self:
            customer = partner.commercial_partner_id
            statement = latest.get(customer, Statement)
            partner.settlement_last_statement_id = statement
            partner.settlement_last_statement_state = statement.state
            partner.settlement_statement_missing = (
                customer.settlement_is_monthly
                and (statement.period_end or date.min) < customer._get_last_closed_settlement_period(yesterday)[1]
            )

    def _search_settlement_statement_missing(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search for customers with or without a missing statement."))
        monthly = self._search_monthly_customers(self.env.company)
        missing = monthly.filtered("settlement_statement_missing")
        return [("id", "in" if (operator == "=") == value else "not in", missing.ids)]

    @api.depends_context("uid")
    @api.depends("commercial_partner_id")
    def _compute_settlement_terms_editable(self):
        is_manager = has_settlement_group(self.env, "manager")
        for partner in self:
            partner.settlement_terms_editable = is_manager and partner.commercial_partner_id == partner

    # ------------------------------------------------------------------
    # Validation and access
    # ------------------------------------------------------------------

    @api.model
    def _check_settlement_values(self, cutoff_day, month_end, payment_days, monthly, confirm_days=0):
        """Shared by partners and company defaults: one wording for one rule."""
        if cutoff_day and not 1 <= cutoff_day <= 28:
            raise ValidationError(
                self.env._(
                    "The cut-off day must be between 1 and 28 (got %(day)s); choose "
                    "“Cut-off at Month End” for the last day of the month.",
                    day=cutoff_day,
                )
            )
        if monthly and not cutoff_day and not month_end:
            raise ValidationError(self.env._("A monthly settlement needs a cut-off day or a cut-off at month end."))
        if (payment_days or 0) < 0:
            raise ValidationError(self.env._("Payment days cannot be negative (got %(days)s).", days=payment_days))
        if (confirm_days or 0) < 0:
            raise ValidationError(
                self.env._(
                    "The days after which a statement is deemed confirmed cannot be negative (got %(days)s).",
                    days=confirm_days,
                )
            )

    @api.constrains(*SETTLEMENT_TERM_FIELDS[:6], "settlement_confirm_days")
    def _check_settlement_terms(self):
        for partner in self:
            partner._check_settlement_values(
                cutoff_day=partner.settlement_cutoff_day,
                month_end=partner.settlement_cutoff_month_end,
                payment_days=partner.settlement_payment_days,
                monthly=is_monthly_mode(partner.settlement_mode),
                confirm_days=partner.settlement_confirm_days,
            )
            if is_monthly_mode(partner.settlement_mode) and not partner.settlement_cycle:
                raise ValidationError(self.env._("A monthly settlement needs a statement cycle."))

    @api.constrains("settlement_paper_contact_id")
    def _check_settlement_paper_contact(self):
        for partner in self:
            contact = partner.settlement_paper_contact_id
            if contact and contact.commercial_partner_id != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Paper statements of %(customer)s can only go to the customer or one of its contacts, "
                        "not to %(contact)s.",
                        customer=partner.commercial_partner_id.display_name,
                        contact=contact.display_name,
                    )
                )

    def _check_settlement_manager(self):
        check_settlement_group(
            self.env, "manager", self.env._("Only settlement managers may change a customer's settlement terms.")
        )

    @api.model_create_multi
    def create(self, vals_list):
        if any(is_monthly_mode(vals.get("settlement_mode")) and not vals.get("parent_id") for vals in vals_list):
            self._check_settlement_manager()
        return super().create(vals_list)

    def write(self, vals):
        # Contacts get the terms from their commercial partner by the commercial-field
        # sync: only a change on the commercial partner itself is a change of terms.
        if any(name in vals for name in SETTLEMENT_TERM_FIELDS) and any(
            partner.commercial_partner_id == partner for partner in self
        ):
            self._check_settlement_manager()
        return super().write(vals)

    # ------------------------------------------------------------------
    # Settlement calendar
    # ------------------------------------------------------------------

    def _is_monthly_settlement(self):
        self.ensure_one()
        return self.commercial_partner_id.settlement_is_monthly

    def _settlement_calendar_args(self):
        terms = self.commercial_partner_id
        cutoff = None if terms.settlement_cutoff_month_end else terms.settlement_cutoff_day
        return cutoff, settlement_calendar.CYCLE_MONTHS[terms.settlement_cycle or "monthly"]

    def _get_settlement_period(self, day):
        """(start, end) of the statement period containing ``day``."""
        self.ensure_one()
        return settlement_calendar.period_containing(day, *self._settlement_calendar_args())

    def _get_last_closed_settlement_period(self, day):
        """(start, end) of the last period whose statement date is on or before ``day``."""
        self.ensure_one()
        cutoff, cycle = self._settlement_calendar_args()
        end = settlement_calendar.period_end_on_or_before(day, cutoff, cycle)
        return settlement_calendar.period_start(end, cutoff, cycle), end

    def _get_settlement_due_date(self, statement_date):
        self.ensure_one()
        terms = self.commercial_partner_id
        return settlement_calendar.due_date(
            statement_date,
            terms.settlement_payment_days,
            from_month_end=terms.settlement_payment_base == "statement_month_end",
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_settlement_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("monthly_settlement.action_monthly_settlement_statement")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_generate_settlement_statement(self):
        return self.env["monthly.settlement.generate"].action_open_for_partners(self.commercial_partner_id)

    @api.model
    def _search_monthly_customers(self, company):
        """Commercial partners on monthly settlement that the company may use."""
        return self.search(
            [
                ("settlement_is_monthly", "=", True),
                "|",
                ("is_company", "=", True),
                ("parent_id", "=", False),
                ("company_id", "in", [False, company.id]),
            ]
        )
