"""Matching a customer's own ledger (their payables) against a statement's lines (余额调节).

Plain Python over plain values, so it is fast on tens of thousands of lines and testable
without a database: amounts are integers in the currency's smallest unit, signed from our
side (what the customer owes us goes up: invoices positive, credit notes and payments
negative), whichever way the customer's ledger writes them.

Passes, each on what the previous left:

1. references: a line of theirs that names our document (its number or its reference,
   normalised: case, spaces, punctuation and full-width characters do not matter, and their
   description is searched too) with the same sign is matched with it; lines linked that way
   form groups, so one entry of theirs booking three of our invoices matches the three
   (one-to-many), and a group whose sums differ is an amount difference (a payment naming the
   invoices it pays has the other sign: it is matched with our payment by the next passes);
2. amount and date: same amount (within the amount tolerance) and dates at most
   ``date_tolerance`` days apart, nearest date first;
3. one against several: a line of theirs equal to the sum of a run of our lines of the same
   sign, consecutive by date within the date tolerance of it (one payment for a month's
   invoices without naming them), and the other way round.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

# A token that can be a document number: letters, digits and the separators numbers use,
# with at least one digit (so "货款" or "PAYMENT" never links lines).
_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9/\-_.#]*")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
# Shorter numbers ("1", "12") name nothing reliably.
MIN_REFERENCE_LENGTH = 3

MATCHED = "matched"
DIFFERENCE = "difference"


def normalise_reference(text):
    """The comparable form of a document number: full-width to half-width, upper case,
    letters and digits only ("ｉｎｖ/2026/ 00012" and "INV202600012" are the same)."""
    if not text:
        return ""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", str(text)).upper())


def reference_tokens(*texts):
    """Every document-number-like token of the texts, normalised."""
    tokens = set()
    for text in texts:
        if not text:
            continue
        upper = unicodedata.normalize("NFKC", str(text)).upper()
        whole = _NOT_ALNUM.sub("", upper)
        if any(char.isdigit() for char in whole):
            tokens.add(whole)
        for token in _TOKEN.findall(upper):
            token = _NOT_ALNUM.sub("", token)
            if any(char.isdigit() for char in token):
                tokens.add(token)
    return tokens


@dataclass(frozen=True)
class LedgerEntry:
    """One line of either ledger. ``key`` identifies it in its own ledger (our statement line
    id, their row number); ``amount`` in the currency's smallest unit, signed from our side."""

    key: object
    date: date
    amount: int
    reference: str = ""
    description: str = ""


@dataclass
class MatchGroup:
    ours: list = field(default_factory=list)
    theirs: list = field(default_factory=list)
    method: str = "reference"

    @property
    def difference(self):
        """Their amount minus ours."""
        return sum(entry.amount for entry in self.theirs) - sum(entry.amount for entry in self.ours)

    def status(self, amount_tolerance=0):
        return MATCHED if abs(self.difference) <= amount_tolerance else DIFFERENCE


@dataclass
class MatchResult:
    groups: list
    only_ours: list
    only_theirs: list
    amount_tolerance: int = 0

    @property
    def matched(self):
        return [group for group in self.groups if group.status(self.amount_tolerance) == MATCHED]

    @property
    def differences(self):
        return [group for group in self.groups if group.status(self.amount_tolerance) == DIFFERENCE]

    def reconciliation(self, our_closing_balance):
        """余额调节表: from our closing balance to theirs (both in our sign), item by kind."""
        only_ours = sum(entry.amount for entry in self.only_ours)
        only_theirs = sum(entry.amount for entry in self.only_theirs)
        differences = sum(group.difference for group in self.groups)
        return {
            "our_balance": our_closing_balance,
            "only_ours": -only_ours,
            "only_theirs": only_theirs,
            "differences": differences,
            "their_balance": our_closing_balance - only_ours + only_theirs + differences,
        }


def match_ledgers(ours, theirs, amount_tolerance=0, date_tolerance=3):
    """Match two lists of :class:`LedgerEntry`; returns a :class:`MatchResult`."""
    groups = _match_by_reference(ours, theirs)
    used_ours = {entry.key for group in groups for entry in group.ours}
    used_theirs = {entry.key for group in groups for entry in group.theirs}
    rest_ours = [entry for entry in ours if entry.key not in used_ours]
    rest_theirs = [entry for entry in theirs if entry.key not in used_theirs]

    pairs, rest_ours, rest_theirs = _match_by_amount(rest_ours, rest_theirs, amount_tolerance, date_tolerance)
    groups += pairs
    runs, rest_theirs, rest_ours = _match_runs(rest_theirs, rest_ours, amount_tolerance, date_tolerance)
    groups += [MatchGroup(ours=run.theirs, theirs=run.ours, method="sum") for run in runs]
    runs, rest_ours, rest_theirs = _match_runs(rest_ours, rest_theirs, amount_tolerance, date_tolerance)
    groups += runs
    return MatchResult(groups=groups, only_ours=rest_ours, only_theirs=rest_theirs, amount_tolerance=amount_tolerance)


def _match_by_reference(ours, theirs):
    """Groups of lines linked by a shared document number (connected components)."""
    our_keys = defaultdict(list)  # normalised number or reference -> our positions
    for position, entry in enumerate(ours):
        for token in {normalise_reference(entry.reference), normalise_reference(entry.description)}:
            if len(token) >= MIN_REFERENCE_LENGTH:
                our_keys[token].append(position)

    parent = {}  # union-find over ("o", position) and ("t", position)

    def find(node):
        parent.setdefault(node, node)
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:
            parent[node], node = root, parent[node]
        return root

    for position, entry in enumerate(theirs):
        linked = {
            our_position
            for token in reference_tokens(entry.reference, entry.description)
            for our_position in our_keys.get(token, ())
            # a payment naming the invoices it pays is not those invoices
            if (ours[our_position].amount > 0) == (entry.amount > 0)
        }
        for our_position in linked:
            parent[find(("o", our_position))] = find(("t", position))

    components = defaultdict(lambda: MatchGroup(method="reference"))
    for node in list(parent):
        side, position = node
        group = components[find(node)]
        (group.ours if side == "o" else group.theirs).append((ours if side == "o" else theirs)[position])
    return [group for group in components.values() if group.ours and group.theirs]


def _match_by_amount(ours, theirs, amount_tolerance, date_tolerance):
    """One-to-one on amount within tolerance, dates within ``date_tolerance`` days, nearest first."""
    by_amount = defaultdict(list)
    for entry in ours:
        by_amount[entry.amount].append(entry)
    amounts = sorted(by_amount)
    taken = set()
    groups, rest_theirs = [], []
    for entry in theirs:
        best = None
        low = bisect_left(amounts, entry.amount - amount_tolerance)
        high = bisect_right(amounts, entry.amount + amount_tolerance)
        for amount in amounts[low:high]:
            for candidate in by_amount[amount]:
                gap = abs((candidate.date - entry.date).days)
                if candidate.key in taken or gap > date_tolerance:
                    continue
                if best is None or gap < best[0]:
                    best = (gap, candidate)
        if best:
            taken.add(best[1].key)
            groups.append(MatchGroup(ours=[best[1]], theirs=[entry], method="amount"))
        else:
            rest_theirs.append(entry)
    return groups, [entry for entry in ours if entry.key not in taken], rest_theirs


def _match_runs(singles, many, amount_tolerance, date_tolerance):
    """A line of ``singles`` equal to the sum of a run of ``many`` of the same sign,
    consecutive by date and all within ``date_tolerance`` days before or after it.

    Returns groups with ``ours`` = the single line, ``theirs`` = the run (the caller swaps
    the sides when the single line is theirs), and what is left on each side."""
    by_sign = {True: [], False: []}
    for entry in sorted(many, key=lambda entry: (entry.date, str(entry.key))):
        by_sign[entry.amount > 0].append(entry)
    dates = {sign: [entry.date.toordinal() for entry in entries] for sign, entries in by_sign.items()}
    taken = set()
    groups, rest_singles = [], []
    for single in singles:
        sign = single.amount > 0
        day = single.date.toordinal()
        window = by_sign[sign][
            bisect_left(dates[sign], day - date_tolerance) : bisect_right(dates[sign], day + date_tolerance)
        ]
        run = _find_run(single, [entry for entry in window if entry.key not in taken], amount_tolerance)
        if run:
            taken.update(entry.key for entry in run)
            groups.append(MatchGroup(ours=[single], theirs=run, method="sum"))
        else:
            rest_singles.append(single)
    return groups, rest_singles, [entry for entry in many if entry.key not in taken]


def _find_run(single, window, amount_tolerance):
    if len(window) < 2:
        return None
    target = abs(single.amount)
    start, total = 0, 0
    for end, entry in enumerate(window):  # two pointers: all amounts of one sign
        total += abs(entry.amount)
        while total > target + amount_tolerance and start < end:
            total -= abs(window[start].amount)
            start += 1
        if end > start and abs(total - target) <= amount_tolerance:
            return window[start : end + 1]
    return None
