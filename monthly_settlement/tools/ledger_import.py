"""Reading a customer's ledger (their payables: XLSX or CSV) into :class:`LedgerEntry` lines.

The columns are mapped by their header text, once per customer. Every row is checked before
anything is used: the caller gets all rows rejected and why, and uses none of the file while
any row is rejected (nothing half-imported).
"""

import csv
import io
import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .ledger_matching import LedgerEntry

# The fields a mapping can name; a date and either an amount or debit/credit are required.
MAPPED_FIELDS = ("date", "reference", "description", "debit", "credit", "amount")
HEADER_SEARCH_ROWS = 20  # exports often start with a title and the company name
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")
_CURRENCY_MARKS = re.compile(r"[¥$,\s]|CNY|RMB|元")


class LedgerFileError(Exception):
    """The file as a whole cannot be read (format, missing columns)."""


def read_table(content, filename):
    """Rows (lists of cell values) of the first sheet of an XLSX file or of a CSV file."""
    if (filename or "").lower().endswith((".xlsx", ".xlsm")):
        import openpyxl  # noqa: PLC0415 - only when a workbook is imported

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:
            raise LedgerFileError(str(error)) from error
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV in GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LedgerFileError("encoding")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _header_key(value):
    return unicodedata.normalize("NFKC", str(value or "")).strip().casefold()


def find_columns(rows, mapping):
    """(index of the header row, {field: column index}) for ``mapping`` {field: header text}."""
    wanted = {name: _header_key(header) for name, header in mapping.items() if header}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = {_header_key(cell): column for column, cell in enumerate(row) if cell not in (None, "")}
        if all(header in headers for header in wanted.values()):
            return index, {name: headers[header] for name, header in wanted.items()}
    return None, {}


def parse_date(value):
    """A date from a cell: a date, or text such as 2026-10-05, 2026/10/5, 2026.10.5,
    2026年10月5日 or 20261005. None when it is none of them."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    found = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not found:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:  # 2026-02-30
        return None


def parse_amount(value, digits):
    """An amount in the smallest unit (``digits`` decimals) from a cell: a number, or text with
    thousands separators, a currency sign, full-width digits or accounting brackets for
    negatives. None for an empty cell; raises ValueError for text that is not an amount."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = _CURRENCY_MARKS.sub("", unicodedata.normalize("NFKC", str(value)).upper())
        if not text:
            return None
        negative = text.startswith("(") and text.endswith(")")
        text = text.strip("()")
        if not _AMOUNT.match(text):
            raise ValueError(value)
        number = -Decimal(text) if negative else Decimal(text)
    try:
        return int((number * 10**digits).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation as error:
        raise ValueError(value) from error


def parse_ledger(env, rows, mapping, digits, payable_sign=True):
    """(entries, rejected) from the table ``rows``.

    ``mapping`` {field: header text}; amounts from ``amount`` or ``credit`` - ``debit`` (their
    payables: a credit is what they owe us more). ``payable_sign`` False when their single
    amount column is positive for payments. ``rejected`` is a list of (row number as the
    customer sees it, reason); blank rows are skipped.
    """
    missing = [name for name in ("date",) if not mapping.get(name)]
    if not (mapping.get("amount") or mapping.get("debit") or mapping.get("credit")):
        missing.append("amount")
    if missing:
        raise LedgerFileError(env._("Map the columns of the date and of the amount (or debit and credit)."))
    header_index, columns = find_columns(rows, mapping)
    if header_index is None:
        raise LedgerFileError(
            env._(
                "The file has no row with the column headers %(headers)s in its first %(rows)s rows.",
                headers=", ".join(f"“{header}”" for header in mapping.values() if header),
                rows=HEADER_SEARCH_ROWS,
            )
        )

    def cell(row, name):
        column = columns.get(name)
        return row[column] if column is not None and column < len(row) else None

    entries, rejected, seen = [], [], {}
    for index, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if all(value in (None, "") or str(value).strip() == "" for value in row):
            continue
        raw_date = cell(row, "date")
        entry_date = parse_date(raw_date)
        if entry_date is None:
            rejected.append((index, env._("“%(value)s” is not a date.", value=raw_date or "")))
            continue
        try:
            if "amount" in columns:
                amount = parse_amount(cell(row, "amount"), digits)
                amount = amount if payable_sign or amount is None else -amount
            else:
                credit = parse_amount(cell(row, "credit"), digits)
                debit = parse_amount(cell(row, "debit"), digits)
                amount = None if credit is None and debit is None else (credit or 0) - (debit or 0)
        except ValueError as error:
            rejected.append((index, env._("“%(value)s” is not an amount.", value=error.args[0])))
            continue
        if amount is None:
            rejected.append((index, env._("The row has no amount.")))
            continue
        reference = str(cell(row, "reference") or "").strip()
        description = str(cell(row, "description") or "").strip()
        identity = (entry_date, reference, description, amount)
        if identity in seen:
            rejected.append((index, env._("The same line as row %(row)s.", row=seen[identity])))
            continue
        seen[identity] = index
        entries.append(LedgerEntry(index, entry_date, amount, reference, description))
    return entries, rejected
