from odoo import api, fields, models
from odoo.exceptions import ValidationError

CREDIT_CONTROL_MODES = [
    ("off", "Off"),
    ("warn", "Warn"),
    ("block", "Block"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    settlement_credit_control = fields.Selection(
        CREDIT_CONTROL_MODES,
        string="Credit Control of Monthly Customers",
        default="warn",
        required=True,
        help="When a quotation of a monthly customer is confirmed while the customer is over "
        "the credit limit or has a statement overdue or disputed too long. Warn: a banner on "
        "the quotation and a note in its history when confirmed. Block: only a settlement "
        "manager can confirm it, giving a reason.",
    )
    settlement_credit_overdue_days = fields.Integer(
        string="Overdue Tolerance (Days)",
        default=30,
        help="A statement unpaid more than this many days after its due date holds new orders.",
    )
    settlement_credit_dispute_days = fields.Integer(
        string="Dispute Tolerance (Days)",
        default=30,
        help="A statement disputed for more than this many days holds new orders.",
    )

    @api.constrains("settlement_credit_overdue_days", "settlement_credit_dispute_days")
    def _check_settlement_credit_days(self):
        for company in self:
            if company.settlement_credit_overdue_days < 0 or company.settlement_credit_dispute_days < 0:
                raise ValidationError(self.env._("The tolerances of the credit control cannot be negative."))
