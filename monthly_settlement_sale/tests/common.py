from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon


class SaleSettlementCommon(MonthlySettlementCommon):
    """The monthly settlement fixture, its test user also a sales manager (quotes and orders)."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")
