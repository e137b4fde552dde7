from . import monthly_settlement_credit_override
from . import monthly_settlement_generate
from . import monthly_settlement_answer
