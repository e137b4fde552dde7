from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.settlement_calendar import CYCLE_MONTHS

SETTLEMENT_CYCLES = [
    ("monthly", "Monthly"),
    ("bimonthly", "Every 2 months"),
    ("quarterly", "Quarterly"),
    ("half_yearly", "Half-yearly"),
    ("yearly", "Yearly"),
]
PAYMENT_BASES = [
    ("statement_date", "Statement date"),
    ("statement_month_end", "End of the statement month"),
]
assert {key for key, _label in SETTLEMENT_CYCLES} == set(CYCLE_MONTHS)


class ResCompany(models.Model):
    _inherit = "res.company"

    settlement_cycle = fields.Selection(
        SETTLEMENT_CYCLES,
        string="Default Statement Cycle",
        default="monthly",
        required=True,
    )
    settlement_cutoff_day = fields.Integer(
        string="Default Cut-off Day",
        default=25,
        help="Day of the month on which a statement period closes (1-28).",
    )
    settlement_cutoff_month_end = fields.Boolean(
        string="Default Cut-off at Month End",
        help="Periods close on the last day of the month instead of a fixed day.",
    )
    settlement_payment_days = fields.Integer(string="Default Payment Days", default=30)
    settlement_payment_base = fields.Selection(
        PAYMENT_BASES,
        string="Default Payment Days Counted From",
        default="statement_date",
        required=True,
    )
    settlement_ageing_days = fields.Char(
        string="Ageing Buckets",
        default="30,60,90",
        required=True,
        help="Upper limits in days overdue of the ageing buckets, ascending and "
        "separated by commas. 30,60,90 gives: not due, 1-30, 31-60, 61-90, over 90.",
    )
    settlement_four_eyes = fields.Boolean(
        string="Four-eyes Review",
        default=True,
        help="A reviewer may not approve a statement they prepared or submitted.",
    )
    settlement_allow_source_changes = fields.Boolean(
        string="Managers May Change Documents on Sent Statements",
        help="Invoices, credit notes and payments listed on a statement the customer has received cannot be "
        "reset to draft, cancelled or deleted. With this on, settlement managers may; the statement records it "
        "and is flagged as needing a new revision.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["monthly.settlement.reminder.step"]._create_default_steps(companies)
        return companies

    @api.constrains("settlement_cutoff_day", "settlement_cutoff_month_end", "settlement_payment_days")
    def _check_settlement_defaults(self):
        for company in self:
            self.env["res.partner"]._check_settlement_values(
                cutoff_day=company.settlement_cutoff_day,
                month_end=company.settlement_cutoff_month_end,
                payment_days=company.settlement_payment_days,
                monthly=True,
            )

    @api.constrains("settlement_ageing_days")
    def _check_settlement_ageing_days(self):
        for company in self:
            company._get_settlement_ageing_limits()

    def _get_settlement_ageing_limits(self):
        """Bucket upper limits as ascending positive integers, e.g. [30, 60, 90]."""
        self.ensure_one()
        text = self.settlement_ageing_days or ""
        try:
            limits = [int(part) for part in text.replace("，", ",").split(",") if part.strip()]
        except ValueError:
            limits = None
        if not limits or any(limit <= 0 for limit in limits) or limits != sorted(set(limits)):
            raise ValidationError(
                self.env._(
                    "Ageing buckets must be ascending positive numbers of days separated "
                    "by commas, such as 30,60,90 (got “%(value)s”).",
                    value=text,
                )
            )
        return limits

    def _get_settlement_ageing_buckets(self):
        """[(days_from, days_to)] overdue: (None, 0) is "not due", days_to None is open-ended."""
        limits = self._get_settlement_ageing_limits()
        lower_bounds = [1, *(limit + 1 for limit in limits)]
        return [(None, 0), *zip(lower_bounds, [*limits, None], strict=True)]
