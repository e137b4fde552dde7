from odoo import fields, models


class MonthlySettlementPrintPost(models.TransientModel):
    """Print for Post: one PDF of the selected statements, each addressed to the customer's paper
    contact for a window envelope, and their posting recorded with the date asked here."""

    _name = "monthly.settlement.print.post"
    _description = "Print Customer Statements for Post"

    statement_ids = fields.Many2many(
        "monthly.settlement.statement", "monthly_settlement_print_post_statement_rel", required=True
    )
    post_date = fields.Date(
        string="Posting Date",
        default=fields.Date.context_today,
        help="The day the statements go to the post; approved statements count as sent that day.",
    )

    def action_print(self):
        """Record the posting, then download the PDF (the dialog closes once it is downloaded)."""
        self.ensure_one()
        # Printed by customer, then statement date: the order the envelopes are filled in.
        statements = self.statement_ids.sorted(
            lambda statement: (statement.partner_id.display_name, statement.period_end)
        )
        statements._mark_posted(self.post_date)
        action = self.env.ref("monthly_settlement_reports.action_report_statement_post").report_action(
            statements, config=False
        )
        action["close_on_report_download"] = True
        return action
