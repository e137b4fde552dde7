from . import monthly_settlement_statement_xlsx
