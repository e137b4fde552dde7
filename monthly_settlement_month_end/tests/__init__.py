from . import test_month_end_jobs
from . import test_month_end_http
from . import test_month_end_concurrent
from . import test_month_end_runner
from . import test_month_end_tour
