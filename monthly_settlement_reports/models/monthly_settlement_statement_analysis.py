from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.monthly_settlement.models.monthly_settlement_statement import STATEMENT_STATES


class MonthlySettlementStatementAnalysis(models.Model):
    """Month-end performance: amounts by state, time per review step, disputes, DSO.

    One row per statement that is not superseded by a newer revision. Amounts come in the
    statement's currency and, for totals across customers, in the company's currency at the
    statement date. Step times are in days between the workflow stamps; DSO = closing balance /
    period debits x days in the period. Built like Odoo's invoice analysis: `_table_query` from
    `_select`, `_from` and `_where`, which other modules may extend.
    """

    _name = "monthly.settlement.statement.analysis"
    _description = "Customer Statement Analysis"
    _auto = False
    _order = "period_end desc"

    statement_id = fields.Many2one("monthly.settlement.statement", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    accountant_id = fields.Many2one("res.users", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Statement Currency", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    period_end = fields.Date(string="Statement Date", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    state = fields.Selection(STATEMENT_STATES, readonly=True)
    statement_count = fields.Integer(string="Statements", readonly=True, aggregator="sum")
    period_debit = fields.Monetary(string="Invoiced (Statement Currency)", readonly=True)
    closing_balance = fields.Monetary(string="Closing Balance (Statement Currency)", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue (Statement Currency)", readonly=True)
    period_debit_company = fields.Monetary(string="Invoiced", currency_field="company_currency_id", readonly=True)
    closing_balance_company = fields.Monetary(
        string="Closing Balance", currency_field="company_currency_id", readonly=True
    )
    amount_overdue_company = fields.Monetary(string="Overdue", currency_field="company_currency_id", readonly=True)
    days_to_submit = fields.Float(string="Days Generated to Submitted", readonly=True, aggregator="avg")
    days_to_approve = fields.Float(string="Days Submitted to Approved", readonly=True, aggregator="avg")
    days_to_send = fields.Float(string="Days Approved to Sent", readonly=True, aggregator="avg")
    days_to_answer = fields.Float(string="Days Sent to Answered", readonly=True, aggregator="avg")
    dispute_rate = fields.Float(string="Dispute Rate (%)", readonly=True, aggregator="avg")
    confirmed_before_due_rate = fields.Float(string="Confirmed Before Due (%)", readonly=True, aggregator="avg")
    dso = fields.Float(string="DSO (days)", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self):
        to_company = SQL("COALESCE(company_rate.rate, 1) / COALESCE(statement_rate.rate, 1)")
        return SQL(
            """
            SELECT s.id, s.id AS statement_id, s.company_id, s.partner_id, s.user_id, s.accountant_id,
                   s.currency_id, company.currency_id AS company_currency_id,
                   s.period_end, s.date_due, s.state, 1 AS statement_count,
                   s.period_debit, s.closing_balance, s.amount_overdue,
                   s.period_debit * %(to_company)s AS period_debit_company,
                   s.closing_balance * %(to_company)s AS closing_balance_company,
                   s.amount_overdue * %(to_company)s AS amount_overdue_company,
                   EXTRACT(EPOCH FROM s.submit_date - s.generate_date) / 86400 AS days_to_submit,
                   EXTRACT(EPOCH FROM s.approve_date - s.submit_date) / 86400 AS days_to_approve,
                   EXTRACT(EPOCH FROM s.send_date - s.approve_date) / 86400 AS days_to_send,
                   CASE WHEN s.is_with_customer AND s.state != 'sent'
                        THEN EXTRACT(EPOCH FROM s.answer_date - s.send_date) / 86400 END AS days_to_answer,
                   CASE WHEN s.is_with_customer
                        THEN CASE WHEN s.state = 'disputed' OR EXISTS (
                                 SELECT 1 FROM monthly_settlement_statement older
                                  WHERE older.superseded_by_id = s.id AND older.state = 'disputed'
                             ) THEN 100.0 ELSE 0.0 END END AS dispute_rate,
                   CASE WHEN s.is_with_customer
                        THEN CASE WHEN s.state IN ('confirmed', 'deemed') AND s.answer_date::date <= s.date_due
                             THEN 100.0 ELSE 0.0 END END AS confirmed_before_due_rate,
                   CASE WHEN s.period_debit > 0
                        THEN s.closing_balance / s.period_debit * (s.period_end - s.period_start + 1) END AS dso
            """,
            to_company=to_company,
        )

    @api.model
    def _from(self):
        """The statement, its company, and the rates of both currencies at the statement date
        (Odoo's rates: units of the currency for one unit of the company's reference)."""
        return SQL(
            """
              FROM monthly_settlement_statement s
              JOIN res_company company ON company.id = s.company_id
              LEFT JOIN LATERAL (%(statement_rate)s) statement_rate ON TRUE
              LEFT JOIN LATERAL (%(company_rate)s) company_rate ON TRUE
            """,
            statement_rate=self._rate_at_statement_date(SQL("s.currency_id")),
            company_rate=self._rate_at_statement_date(SQL("company.currency_id")),
        )

    @api.model
    def _rate_at_statement_date(self, currency):
        return SQL(
            """
            SELECT rate.rate
              FROM res_currency_rate rate
             WHERE rate.currency_id = %(currency)s
               AND rate.name <= s.period_end
               AND (rate.company_id = s.company_id OR rate.company_id IS NULL)
             ORDER BY rate.company_id NULLS LAST, rate.name DESC
             LIMIT 1
            """,
            currency=currency,
        )

    @api.model
    def _where(self):
        return SQL("WHERE s.superseded_by_id IS NULL AND s.statement_type = 'account'")
