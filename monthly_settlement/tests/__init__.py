from . import test_settlement_calendar
from . import test_partner_terms
from . import test_due_dates
from . import test_statement_figures
from . import test_generation
from . import test_workflow
from . import test_sending
from . import test_reminders
