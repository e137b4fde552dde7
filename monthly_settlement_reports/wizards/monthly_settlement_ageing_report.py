from odoo import fields, models


class MonthlySettlementAgeingReport(models.TransientModel):
    """Asks for the date of the AR ageing workbook of all monthly customers."""

    _name = "monthly.settlement.ageing.report"
    _description = "Monthly Customers AR Ageing"

    date = fields.Date(string="Ageing Date", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)

    def action_export(self):
        self.ensure_one()
        return self.env.ref("monthly_settlement_reports.action_report_ageing_xlsx").report_action(self)

    def _ageing_rows(self):
        """[(customer, currency, [amount per bucket])] of the monthly customers owing something."""
        self.ensure_one()
        Statement = self.env["monthly.settlement.statement"].with_company(self.company_id)
        customers = Statement.env["res.partner"]._search_monthly_customers(self.company_id)
        totals = Statement._ageing_totals(dict.fromkeys(customers, (self.date, self.date)))
        rows = [
            (customer, self.env["res.currency"].browse(currency_id), figures["buckets"])
            for (customer_id, currency_id), figures in totals.items()
            for customer in [customers.browse(customer_id)]
            if any(figures["buckets"])
        ]
        return sorted(rows, key=lambda row: (row[1].name, row[0].name))
