from . import monthly_settlement_ageing_report
