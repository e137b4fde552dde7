from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

REMINDER_KINDS = [
    ("payment", "Payment Reminder"),
    ("confirmation", "Confirmation Follow-up"),
]
# The schedules every company starts with, per kind: days from the due date (payment
# reminders) or from the sending (confirmation follow-ups), email template.
DEFAULT_STEPS = {
    "payment": [
        (-7, "monthly_settlement.mail_template_reminder_before_due"),
        (0, "monthly_settlement.mail_template_reminder_due_today"),
        (7, "monthly_settlement.mail_template_reminder_overdue"),
        (30, "monthly_settlement.mail_template_reminder_final"),
    ],
    "confirmation": [
        (5, "monthly_settlement.mail_template_follow_up_first"),
        (10, "monthly_settlement.mail_template_follow_up_second"),
    ],
}


class MonthlySettlementReminderStep(models.Model):
    """One email of a company's schedule, of one of two kinds: a payment reminder, on a day
    relative to the statement due date, or a confirmation follow-up, some days after the
    statement was sent. The rules that differ between the kinds are the methods below."""

    _name = "monthly.settlement.reminder.step"
    _description = "Reminder Step"
    _order = "company_id, days, id"
    _check_company_auto = True

    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, ondelete="cascade"
    )
    kind = fields.Selection(
        REMINDER_KINDS,
        required=True,
        default="payment",
        help="Payment reminders ask to pay a statement the customer has, counted from its due date; "
        "confirmation follow-ups ask to confirm or dispute a statement left unanswered, counted from "
        "the day it was sent.",
    )
    days = fields.Integer(
        required=True,
        help="When the email goes out. Payment reminders: counted from the statement due date (-7 is "
        "a week before, 0 the due date itself, 30 a month after). Confirmation follow-ups: days "
        "after the statement was sent.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        required=True,
        ondelete="restrict",
        domain="[('model', '=', 'monthly.settlement.statement')]",
    )
    reminder_count = fields.Integer(string="Emails Sent", compute="_compute_reminder_count")

    _unique_days = models.Constraint(
        "UNIQUE (company_id, kind, days)",
        "The company already has an email of this kind on this day (it may be archived).",
    )

    @api.depends("kind", "days")
    def _compute_display_name(self):
        for step in self:
            if step.kind == "confirmation":
                step.display_name = self.env._("%(days)s days after sending", days=step.days)
            elif step.days < 0:
                step.display_name = self.env._("%(days)s days before the due date", days=-step.days)
            elif step.days == 0:
                step.display_name = self.env._("On the due date")
            else:
                step.display_name = self.env._("%(days)s days after the due date", days=step.days)

    @api.constrains("kind", "days")
    def _check_follow_up_days(self):
        if any(step.kind == "confirmation" and step.days < 1 for step in self):
            raise ValidationError(
                self.env._("A confirmation follow-up goes out at least one day after the statement was sent.")
            )

    def _compute_reminder_count(self):
        counts = dict(
            self.env["monthly.settlement.reminder"]._read_group([("step_id", "in", self.ids)], ["step_id"], ["__count"])
        )
        for step in self:
            step.reminder_count = counts.get(step, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.env["monthly.settlement.reminder"].search_count([("step_id", "in", self.ids)], limit=1):
            raise UserError(
                self.env._("Emails were sent at this step: archive it instead, so that their history stays.")
            )

    @api.model
    def _create_default_steps(self, companies=None, kinds=None):
        """Give the default schedule of each of ``kinds`` (default: all) to the companies that
        have none of that kind yet (archived steps count)."""
        companies = companies or self.env["res.company"].search([])  # pylint: disable=no-search-all
        scheduled = set(
            self.with_context(active_test=False)._read_group(
                [("company_id", "in", companies.ids)], ["company_id", "kind"]
            )
        )
        vals_list = []
        for kind in kinds or DEFAULT_STEPS:
            for days, template_xmlid in DEFAULT_STEPS[kind]:
                template = self.env.ref(template_xmlid, raise_if_not_found=False)
                if template:  # a default template deleted by the user leaves its step out
                    vals_list += [
                        {"company_id": company.id, "kind": kind, "days": days, "mail_template_id": template.id}
                        for company in companies
                        if (company, kind) not in scheduled
                    ]
        return self.sudo().create(vals_list)

    # ------------------------------------------------------------------
    # What differs between the kinds
    # ------------------------------------------------------------------

    def _get_start_date(self, statement):
        """The day these steps (of one kind) count from for ``statement``: its due date for
        payment reminders, the day it was sent for confirmation follow-ups."""
        if self[:1].kind == "confirmation":
            return statement._get_send_day()
        return statement.date_due

    def _is_for(self, statement, elapsed):
        """Whether ``statement`` may get this step ``elapsed`` days after the day steps count from.
        A follow-up asks for an answer only on a day before the statement would be deemed
        confirmed. A payment reminder says only what is true the day it goes out: one before or
        on the due date ("falls due soon", "due today") is not sent once the due date has
        passed; a missed one gives way to the next step that applies."""
        self.ensure_one()
        if self.kind == "payment":
            return self.days > 0 or elapsed <= 0
        deemed = statement._get_deemed_date()
        return not deemed or self._get_start_date(statement) + timedelta(days=self.days) < deemed

    def _is_shared_by_revisions(self):
        """Whether a new revision counts the steps its previous revisions got. A corrected
        statement keeps the due date: its payment reminders go on where they were. It is sent
        anew and asked anew to be confirmed: its follow-ups start over from its own sending."""
        return self[:1].kind == "payment"
