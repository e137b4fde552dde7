from . import settlement_calendar
from . import access
from . import cron
