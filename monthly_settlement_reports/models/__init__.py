from . import monthly_settlement_statement
from . import monthly_settlement_statement_analysis
from . import ir_actions_report
