from . import monthly_settlement_month_end
from . import monthly_settlement_statement
from . import queue_job
