from . import monthly_settlement_generate
from . import monthly_settlement_reject
from . import monthly_settlement_mark_sent
from . import monthly_settlement_answer
from . import monthly_settlement_send
