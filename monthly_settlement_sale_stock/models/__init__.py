from . import monthly_settlement_delivery_engine
from . import monthly_settlement_demo
