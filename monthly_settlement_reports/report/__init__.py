from . import monthly_settlement_statement_xlsx
from . import monthly_settlement_ageing_xlsx
from . import monthly_settlement_ledger_match_xlsx
