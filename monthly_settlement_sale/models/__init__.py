from . import monthly_settlement_demo
from . import res_company
from . import res_config_settings
from . import sale_order
