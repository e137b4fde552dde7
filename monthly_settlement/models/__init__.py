from . import (
    account_move,
    monthly_settlement_statement,
    monthly_settlement_statement_ageing,
    monthly_settlement_statement_line,
    res_company,
    res_config_settings,
    res_partner,
)
