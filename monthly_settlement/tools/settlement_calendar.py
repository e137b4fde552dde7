"""Settlement calendar: which statement period a date falls in, and when it is due.

Pure date arithmetic, kept out of the models so that due dates on invoices, statement
generation and the tests all share one definition.

A period ends on a cut-off date (a day of the month, or the month's last day). With a
cycle of N months (N divides 12), periods end only in the months that are multiples of N:
quarterly periods end in March, June, September and December, half-yearly ones in June
and December. The statement date is the period's end.
"""

import calendar
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

CYCLE_MONTHS = {
    "monthly": 1,
    "bimonthly": 2,
    "quarterly": 3,
    "half_yearly": 6,
    "yearly": 12,
}


def cutoff_date(year, month, cutoff_day):
    """The cut-off date in a month; ``cutoff_day`` None means the month's last day."""
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(cutoff_day or last_day, last_day))


def _is_closing_month(month, cycle_months):
    return month % cycle_months == 0


def period_end_on_or_after(day, cutoff_day, cycle_months=1):
    """The statement date of the period that contains ``day``."""
    end = cutoff_date(day.year, day.month, cutoff_day)
    if day > end:
        month_start = day.replace(day=1) + relativedelta(months=1)
        end = cutoff_date(month_start.year, month_start.month, cutoff_day)
    while not _is_closing_month(end.month, cycle_months):
        month_start = end.replace(day=1) + relativedelta(months=1)
        end = cutoff_date(month_start.year, month_start.month, cutoff_day)
    return end


def period_end_on_or_before(day, cutoff_day, cycle_months=1):
    """The statement date of the last period that has closed on or before ``day``."""
    end = period_end_on_or_after(day, cutoff_day, cycle_months)
    if end > day:
        end = previous_period_end(end, cutoff_day, cycle_months)
    return end


def previous_period_end(period_end, cutoff_day, cycle_months=1):
    month_start = period_end.replace(day=1) - relativedelta(months=cycle_months)
    return cutoff_date(month_start.year, month_start.month, cutoff_day)


def period_start(period_end, cutoff_day, cycle_months=1):
    return previous_period_end(period_end, cutoff_day, cycle_months) + timedelta(days=1)


def period_containing(day, cutoff_day, cycle_months=1):
    """(start, end) of the statement period that contains ``day``."""
    end = period_end_on_or_after(day, cutoff_day, cycle_months)
    return period_start(end, cutoff_day, cycle_months), end


def due_date(statement_date, payment_days, from_month_end=False):
    """Payment days counted from the statement date, or from the end of its month."""
    base = statement_date
    if from_month_end:
        base = cutoff_date(statement_date.year, statement_date.month, None)
    return base + timedelta(days=payment_days or 0)


def noon(day):
    """A day a user gave (sent on, answered on) as a stored datetime: at noon UTC it reads as that
    day in every time zone from UTC-11 to UTC+11, China's included."""
    return datetime.combine(day, time(12))
