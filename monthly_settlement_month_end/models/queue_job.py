from odoo import fields, models


class QueueJob(models.Model):
    _inherit = "queue.job"

    month_end_id = fields.Many2one(
        "monthly.settlement.month.end",
        string="Month-End Run",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
