from odoo import api, fields, models


class MonthlySettlementStatementAgeing(models.Model):
    """Open amount of one ageing bucket at the statement date (inserted in bulk)."""

    _name = "monthly.settlement.statement.ageing"
    _description = "Customer Statement Ageing"
    _order = "statement_id, sequence"

    statement_id = fields.Many2one("monthly.settlement.statement", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    days_from = fields.Integer(help="Empty: not due yet.")
    days_to = fields.Integer(help="Empty: no upper limit.")
    name = fields.Char(string="Bucket", compute="_compute_name")
    amount = fields.Monetary()
    currency_id = fields.Many2one(related="statement_id.currency_id")
    company_id = fields.Many2one(related="statement_id.company_id")

    @api.depends_context("lang")
    @api.depends("days_from", "days_to")
    def _compute_name(self):
        for bucket in self:
            if not bucket.days_from:
                bucket.name = self.env._("Not due")
            elif bucket.days_to:
                bucket.name = self.env._("%(start)s-%(end)s days", start=bucket.days_from, end=bucket.days_to)
            else:
                bucket.name = self.env._("Over %(days)s days", days=bucket.days_from - 1)
