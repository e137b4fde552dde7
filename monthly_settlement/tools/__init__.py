from . import settlement_calendar
