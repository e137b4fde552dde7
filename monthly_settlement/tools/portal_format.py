"""Dates and amounts of a portal page, formatted as QWeb's ``t-field`` formats them (the same text
and markup), for pages that show hundreds of them.

``t-field`` looks the language up and parses its Babel locale for every value (Babel scans its
list of locales each time): on a 500-line statement that was most of the page's time. Here the
language, its locale, date pattern and number separators are looked up once per page, and each
distinct date is formatted once.
"""

import ast

import babel.dates
from markupsafe import Markup, escape

from odoo.tools.float_utils import float_is_zero, float_round
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml

from odoo.addons.base.models.res_lang import intersperse

NO_BREAK_SPACE = "\N{NO-BREAK SPACE}"


class PortalFormatter:
    """``fmt.date(value)`` as ``<span t-field="record.a_date"/>`` writes it, ``fmt.amount(value,
    currency)`` as a monetary ``t-field`` in that currency (``ir.qweb.field.monetary``)."""

    def __init__(self, env):
        lang = get_lang(env)
        self._locale = babel_locale_parse(lang.code)
        self._date_pattern = posix_to_ldml(lang.date_format, locale=self._locale)
        self._decimal_point = lang.decimal_point
        self._thousands_sep = lang.thousands_sep or ""
        self._grouping = ast.literal_eval(lang.grouping)
        self._dates = {}
        self._currencies = {}

    def date(self, value):
        if not value:
            return ""
        text = self._dates.get(value)
        if text is None:
            text = self._dates[value] = babel.dates.format_date(value, format=self._date_pattern, locale=self._locale)
        return text

    def _currency(self, currency):
        data = self._currencies.get(currency.id)
        if data is None:
            symbol = currency.symbol or ""
            before = currency.position == "before"
            data = self._currencies[currency.id] = (
                currency.decimal_places,
                currency.rounding,
                escape(f"{symbol}{NO_BREAK_SPACE}" if before else ""),
                escape("" if before else f"{NO_BREAK_SPACE}{symbol}"),
            )
        return data

    def amount(self, value, currency):
        digits, rounding, pre, post = self._currency(currency)
        if float_is_zero(value, precision_digits=digits):
            value = 0.0
        parts = f"{float_round(value, precision_rounding=rounding):.{digits}f}".split(".")
        parts[0] = intersperse(parts[0], self._grouping, self._thousands_sep)[0]
        text = (
            self._decimal_point.join(parts).replace(" ", NO_BREAK_SPACE).replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
        )
        return Markup(f'{pre}<span class="oe_currency_value">{escape(text)}</span>{post}')
