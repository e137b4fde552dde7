from . import res_company
from . import res_config_settings
from . import res_partner
from . import account_move
from . import monthly_settlement_statement
from . import monthly_settlement_statement_line
from . import monthly_settlement_statement_ageing
from . import monthly_settlement_demo
