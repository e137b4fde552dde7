from . import monthly_settlement_generate
