from odoo import fields, models, tools


class MonthlySettlementStatementAnalysis(models.Model):
    """Month-end performance: amounts by state, time per review step, disputes, DSO.

    One row per statement that is not superseded by a newer revision. Step times are in days
    between the workflow stamps; DSO = closing balance / period debits x days in the period.
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
    currency_id = fields.Many2one("res.currency", readonly=True)
    period_end = fields.Date(string="Statement Date", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    state = fields.Selection(
        lambda self: self.env["monthly.settlement.statement"]._fields["state"].selection, readonly=True
    )
    statement_count = fields.Integer(string="Statements", readonly=True, aggregator="sum")
    period_debit = fields.Monetary(string="Invoiced", readonly=True)
    closing_balance = fields.Monetary(readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    days_to_submit = fields.Float(string="Days Generated to Submitted", readonly=True, aggregator="avg")
    days_to_approve = fields.Float(string="Days Submitted to Approved", readonly=True, aggregator="avg")
    days_to_send = fields.Float(string="Days Approved to Sent", readonly=True, aggregator="avg")
    days_to_answer = fields.Float(string="Days Sent to Answered", readonly=True, aggregator="avg")
    dispute_rate = fields.Float(string="Dispute Rate (%)", readonly=True, aggregator="avg")
    confirmed_before_due_rate = fields.Float(string="Confirmed Before Due (%)", readonly=True, aggregator="avg")
    dso = fields.Float(string="DSO (days)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT s.id, s.id AS statement_id, s.company_id, s.partner_id, s.user_id, s.accountant_id,
                       s.currency_id, s.period_end, s.date_due, s.state, 1 AS statement_count,
                       s.period_debit, s.closing_balance, s.amount_overdue,
                       EXTRACT(EPOCH FROM s.submit_date - s.generate_date) / 86400 AS days_to_submit,
                       EXTRACT(EPOCH FROM s.approve_date - s.submit_date) / 86400 AS days_to_approve,
                       EXTRACT(EPOCH FROM s.send_date - s.approve_date) / 86400 AS days_to_send,
                       CASE WHEN s.state IN ('confirmed', 'deemed', 'disputed')
                            THEN EXTRACT(EPOCH FROM s.answer_date - s.send_date) / 86400 END AS days_to_answer,
                       CASE WHEN s.state IN ('sent', 'confirmed', 'deemed', 'disputed')
                            THEN CASE WHEN s.state = 'disputed' OR EXISTS (
                                     SELECT 1 FROM monthly_settlement_statement older
                                      WHERE older.superseded_by_id = s.id AND older.state = 'disputed'
                                 ) THEN 100.0 ELSE 0.0 END END AS dispute_rate,
                       CASE WHEN s.state IN ('sent', 'confirmed', 'deemed', 'disputed')
                            THEN CASE WHEN s.state IN ('confirmed', 'deemed') AND s.answer_date::date <= s.date_due
                                 THEN 100.0 ELSE 0.0 END END AS confirmed_before_due_rate,
                       CASE WHEN s.period_debit > 0
                            THEN s.closing_balance / s.period_debit * (s.period_end - s.period_start + 1) END AS dso
                  FROM monthly_settlement_statement s
                 WHERE s.superseded_by_id IS NULL
            )
        """)
