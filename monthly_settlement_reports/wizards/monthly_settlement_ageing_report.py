from odoo import fields, models
from odoo.exceptions import UserError


class MonthlySettlementAgeingReport(models.TransientModel):
    """Asks for the date of the AR ageing workbook of all monthly customers."""

    _name = "monthly.settlement.ageing.report"
    _description = "Monthly Customers AR Ageing"

    date = fields.Date(string="Ageing Date", default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)

    def action_export(self):
        self.ensure_one()
        if not self.date:
            raise UserError(self.env._("Give the date of the ageing."))
        return self.env.ref("monthly_settlement_reports.action_report_ageing_xlsx").report_action(
            self, config=False
        )  # an XLSX: no document layout to set up first

    def _ageing_rows(self):
        """[(customer, currency, [amount per bucket])] of the monthly customers owing something."""
        self.ensure_one()
        engine = self.env["monthly.settlement.engine"].with_company(self.company_id)
        customers = engine.env["res.partner"]._search_monthly_customers(self.company_id)
        rows = [
            (customer, self.env["res.currency"].browse(currency_id), buckets)
            for (customer_id, currency_id), buckets in engine._ageing_at(customers, self.date).items()
            for customer in [customers.browse(customer_id)]
            if any(buckets)
        ]
        return sorted(rows, key=lambda row: (row[1].name, row[0].name))
