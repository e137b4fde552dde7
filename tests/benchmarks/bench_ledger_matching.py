"""Benchmark: matching a customer's ledger against a statement (余额调节).

Run it by hand on a THROWAWAY database that has ``monthly_settlement`` installed (setup/benchmark.sh
with MS_BENCHMARKS=ledger_matching makes one)::

    python tests/benchmarks/bench_ledger_matching.py -c ODOO_CONF -d DATABASE [--lines 10000]

It makes one statement with ``--lines`` document lines (inserted in SQL: the matching reads the
statement's frozen lines, not the journal) and the customer's ledger as an XLSX file of as many
rows, as a customer would write it: two thirds name our document (a third of those in full-width
characters or lower case), the rest only an amount and a date a day or two off; every 50th row
books a different amount, 1% of our documents are missing from it and it has 1% of its own. It
prints the time of reading the file, of matching, of writing the result (one INSERT), and of the
whole ``action_match``, checked against the counts made.
"""

import argparse
import base64
import io
import logging
import random
import time
from datetime import date, timedelta


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="throwaway database with monthly_settlement")
    parser.add_argument("--lines", type=int, default=10000)
    return parser.parse_args()


def seed(env, lines):
    """A statement of ``lines`` documents and the customer's XLSX of about as many rows; the
    expected counts of matched, different, only ours and only theirs."""
    import openpyxl  # noqa: PLC0415

    partner = env["res.partner"].create({"name": "Bench ledger customer", "is_company": True})
    statement = env["monthly.settlement.statement"].create(
        {
            "partner_id": partner.id,
            "currency_id": env.company.currency_id.id,
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 12, 31),
        }
    )
    rng = random.Random(20261202)
    ours = []
    for index in range(lines):
        amount = rng.randrange(1000, 10**8) / 100 * (-1 if index % 5 == 0 else 1)
        ours.append((index, date(2026, 1, 1) + timedelta(days=rng.randrange(360)), amount))
    env.cr.execute(
        """
        INSERT INTO monthly_settlement_statement_line (statement_id, sequence, line_type, name, date, amount)
        SELECT %s, ordinality, CASE WHEN amount < 0 THEN 'payment' ELSE 'invoice' END,
               'INV/2026/' || lpad(ordinality::text, 6, '0'), day, amount
          FROM unnest(%s::date[], %s::numeric[]) WITH ORDINALITY AS line(day, amount)
        """,
        (statement.id, [day for _index, day, _amount in ours], [amount for _index, _day, amount in ours]),
    )
    statement.invalidate_recordset(["line_ids"])
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["日期", "凭证号", "摘要", "借方", "贷方"])
    expected = {"matched": 0, "difference": 0, "only_ours": 0, "only_theirs": 0}
    used_amounts = set()
    for index, day, amount in ours:
        if index % 100 == 99:
            expected["only_ours"] += 1
            continue
        number = f"INV/2026/{index + 1:06d}"
        named = index % 3 != 0
        if named and index % 9 == 1:
            number = number.replace("INV", "ＩＮＶ").replace("/", "／")
        elif named and index % 9 == 2:
            number = number.lower()
        their_amount = amount + 1 if named and index % 50 == 7 else amount
        expected["difference" if their_amount != amount else "matched"] += 1
        shift = 0 if named else rng.randrange(1, 3)
        used_amounts.add(amount)
        debit, credit = (-their_amount, None) if their_amount < 0 else (None, their_amount)
        sheet.append([(day + timedelta(days=shift)).isoformat(), number if named else None, "货款", debit, credit])
    for index in range(lines // 100):
        amount = 0.37 + index  # no document of ours has these amounts
        assert amount not in used_amounts
        expected["only_theirs"] += 1
        sheet.append([date(2026, 12, 30).isoformat(), None, f"运费 {index}", None, amount])
    content = io.BytesIO()
    workbook.save(content)
    return statement, content.getvalue(), expected


def main():
    args = parse_args()
    import odoo  # noqa: PLC0415  (Odoo is importable only in its venv)
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", args.config, "-d", args.database, "--no-http", "--log-level=warn"], setup_logging=True)
    from odoo.addons.monthly_settlement.tools.ledger_import import parse_ledger, read_table  # noqa: PLC0415
    from odoo.addons.monthly_settlement.tools.ledger_matching import match_ledgers  # noqa: PLC0415

    logging.getLogger("odoo").setLevel(logging.WARNING)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        start = time.perf_counter()
        statement, content, expected = seed(env, args.lines)
        print(f"seeded a statement of {args.lines} lines and their ledger in {time.perf_counter() - start:.1f} s")
        match = env["monthly.settlement.ledger.match"].create(
            {
                "statement_id": statement.id,
                "ledger_file": base64.b64encode(content),
                "ledger_filename": "ledger.xlsx",
                "column_date": "日期",
                "column_reference": "凭证号",
                "column_description": "摘要",
                "column_debit": "借方",
                "column_credit": "贷方",
            }
        )
        env.flush_all()

        start = time.perf_counter()
        rows = read_table(content, "ledger.xlsx")
        read_seconds = time.perf_counter() - start
        start = time.perf_counter()
        theirs, rejected = parse_ledger(env, rows, match._get_column_mapping(), 2)
        parse_seconds = time.perf_counter() - start
        assert not rejected, rejected[:5]
        ours = match._our_entries()
        start = time.perf_counter()
        result = match_ledgers(ours, theirs, 0, match.date_tolerance)
        match_seconds = time.perf_counter() - start
        print(
            f"{len(ours)} lines against {len(theirs)}: reading the XLSX {read_seconds:.2f} s, checking its rows "
            f"{parse_seconds:.2f} s, matching {match_seconds:.2f} s"
        )

        start = time.perf_counter()
        queries = cr.sql_log_count
        match.action_match()
        env.flush_all()
        total = time.perf_counter() - start
        found = dict.fromkeys(expected, 0)
        found.update(
            env["monthly.settlement.ledger.match.line"]._read_group(
                [("match_id", "=", match.id), ("side", "=", "ours")], ["status"], ["__count"]
            )
        )
        found["only_theirs"] = len(result.only_theirs)
        assert found == expected, (found, expected)
        print(
            f"action_match (read, check, match, write {len(match.line_ids)} result lines): {total:.2f} s, "
            f"{cr.sql_log_count - queries} queries; found {found}"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
