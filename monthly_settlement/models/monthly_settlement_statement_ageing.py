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

    def write(self, vals):
        self.statement_id._check_content_unchanged({"ageing_ids"})
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never_sent(self):
        self.statement_id._check_content_unchanged({"ageing_ids"})

    @api.depends_context("lang")
    @api.depends("days_from", "days_to")
    def _compute_name(self):
        for bucket in self:
            bucket.name = self._bucket_label(bucket.days_from, bucket.days_to)

    @api.model
    def _bucket_label(self, days_from, days_to):
        if not days_from:
            return self.env._("Not due")
        if days_to:
            return self.env._("%(start)s-%(end)s days", start=days_from, end=days_to)
        return self.env._("Over %(days)s days", days=days_from - 1)
