from . import test_credit_control
from . import test_delivery_statement
from . import test_delivery_concurrent_generation
from . import test_delivery_dispute_by_reviewer
