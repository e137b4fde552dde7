from odoo import api, models

from .monthly_settlement_delivery_engine import DELIVERY


class MonthlySettlementEngine(models.AbstractModel):
    _inherit = "monthly.settlement.engine"

    @api.model
    def _regenerate(self, statements):
        """Delivery statements are read again from the deliveries, not from the receivable."""
        deliveries = statements.filtered(lambda statement: statement.statement_type == DELIVERY)
        if deliveries:
            self.env["monthly.settlement.delivery.engine"]._regenerate(deliveries)
        return super()._regenerate(statements - deliveries) if statements - deliveries else None
