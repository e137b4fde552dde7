from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_date

from ..models.monthly_settlement_confirmation_letter import LETTER_FORMS

LETTER_MODEL = "monthly.settlement.confirmation.letter"


class MonthlySettlementConfirmationLetterIssue(models.TransientModel):
    """The auditor's dialog: which customers, which form, balance date and reply deadline; it
    issues one letter per customer (see `_issue`) and emails them at once unless told not to."""

    _name = "monthly.settlement.confirmation.letter.issue"
    _description = "Issue Balance Confirmation Letters"

    scope = fields.Selection(
        [("selected", "Selected customers"), ("with_balance", "Monthly customers with a balance")],
        string="Customers",
        required=True,
        default="selected",
    )
    partner_ids = fields.Many2many("res.partner", string="Selected Customers")
    form = fields.Selection(LETTER_FORMS, required=True, default="positive")
    balance_date = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1) - relativedelta(days=1),
    )
    reply_deadline = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) + relativedelta(days=15)
    )
    batch_name = fields.Char(string="Batch", help="A name for these letters in the reply overview.")
    send_now = fields.Boolean(string="Send by Email Now", default=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_ids") and "partner_ids" in fields_list:
            values.setdefault("partner_ids", [fields.Command.set(context["active_ids"])])
        return values

    @api.model
    def action_open_for_partners(self, partners):
        """The dialog with ``partners`` selected (the customer list, an audit sample)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Balance Confirmation Letters"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_scope": "selected", "default_partner_ids": partners.commercial_partner_id.ids},
        }

    def _get_partners(self):
        self.ensure_one()
        if self.scope == "with_balance":
            return self.env[LETTER_MODEL]._customers_with_balance(self.balance_date)
        return self.partner_ids.commercial_partner_id

    def action_issue(self):
        self.ensure_one()
        forms = dict(self._fields["form"]._description_selection(self.env))
        batch_name = self.batch_name or self.env._(
            "%(form)s letters at %(date)s", form=forms[self.form], date=format_date(self.env, self.balance_date)
        )
        letters = self.env[LETTER_MODEL]._issue(
            self._get_partners(), self.form, self.balance_date, self.reply_deadline, batch_name=batch_name
        )
        if self.send_now:
            letters.action_send()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Balance Confirmation Letters"),
            "res_model": LETTER_MODEL,
            "view_mode": "list,form",
            "domain": [("id", "in", letters.ids)],
        }
