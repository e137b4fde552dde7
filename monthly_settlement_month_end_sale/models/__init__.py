from . import monthly_settlement_statement
