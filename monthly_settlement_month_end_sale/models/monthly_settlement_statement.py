from odoo import api, models

DELIVERY = "delivery"


class MonthlySettlementStatement(models.Model):
    _inherit = "monthly.settlement.statement"

    @api.model
    def _month_end_generate(self, statement_type, partners, date):
        if statement_type == DELIVERY:
            return self._generate_delivery_statements(partners, date)
        return super()._month_end_generate(statement_type, partners, date)

    @api.model
    def _month_end_customers(self, statement_type, company):
        if statement_type == DELIVERY:
            return self.env["res.partner"]._search_statement_first_customers(company)
        return super()._month_end_customers(statement_type, company)

    @api.model
    def _month_end_engine(self, statement_type):
        if statement_type == DELIVERY:
            return self.env["monthly.settlement.delivery.engine"]
        return super()._month_end_engine(statement_type)

    @api.model
    def _cron_generate_delivery_statements(self):
        """Daily: plan the month-end runs of delivery statements (jobs per batch of customers)."""
        self._month_end_plan_generation(DELIVERY)
