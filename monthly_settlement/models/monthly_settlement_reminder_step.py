from odoo import api, fields, models
from odoo.exceptions import UserError

# The schedule every company starts with: days from the due date, email template.
DEFAULT_STEPS = [
    (-7, "monthly_settlement.mail_template_reminder_before_due"),
    (0, "monthly_settlement.mail_template_reminder_due_today"),
    (7, "monthly_settlement.mail_template_reminder_overdue"),
    (30, "monthly_settlement.mail_template_reminder_final"),
]


class MonthlySettlementReminderStep(models.Model):
    """One payment reminder of a company's schedule, on a day relative to the statement due date."""

    _name = "monthly.settlement.reminder.step"
    _description = "Payment Reminder Step"
    _order = "company_id, days, id"
    _check_company_auto = True

    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, ondelete="cascade"
    )
    days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="When the reminder goes out, counted from the statement due date: -7 is a week "
        "before, 0 the due date itself, 30 a month after.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        required=True,
        ondelete="restrict",
        domain="[('model', '=', 'monthly.settlement.statement')]",
    )
    reminder_count = fields.Integer(string="Reminders Sent", compute="_compute_reminder_count")

    _unique_days = models.Constraint(
        "UNIQUE (company_id, days)",
        "The company already has a reminder on this day (it may be archived).",
    )

    @api.depends("days")
    def _compute_display_name(self):
        for step in self:
            if step.days < 0:
                step.display_name = self.env._("%(days)s days before the due date", days=-step.days)
            elif step.days == 0:
                step.display_name = self.env._("On the due date")
            else:
                step.display_name = self.env._("%(days)s days after the due date", days=step.days)

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
                self.env._("Reminders were sent at this step: archive it instead, so that their history stays.")
            )

    @api.model
    def _create_default_steps(self, companies=None):
        """Give the default schedule to the companies that have none yet (archived steps count)."""
        companies = companies or self.env["res.company"].search([])  # pylint: disable=no-search-all
        scheduled = {
            company
            for [company] in self.with_context(active_test=False)._read_group(
                [("company_id", "in", companies.ids)], ["company_id"]
            )
        }
        vals_list = []
        for days, template_xmlid in DEFAULT_STEPS:
            template = self.env.ref(template_xmlid, raise_if_not_found=False)
            if template:  # a default template deleted by the user leaves its step out
                vals_list += [
                    {"company_id": company.id, "days": days, "mail_template_id": template.id}
                    for company in companies
                    if company not in scheduled
                ]
        return self.sudo().create(vals_list)
