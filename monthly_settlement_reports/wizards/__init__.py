from . import monthly_settlement_ageing_report
from . import monthly_settlement_print_post
