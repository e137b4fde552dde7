"""Benchmark: archiving statements and verifying the archive chain.

Run it through ``MS_BENCHMARKS=archive bash setup/benchmark.sh [--scale 0.1] [--files xlsx]`` (a
throwaway database, dropped afterwards), or by hand on a THROWAWAY database with
``monthly_settlement`` installed::

    python tests/benchmarks/bench_archive.py -c ODOO_CONF -d DATABASE [--scale 1] [--files none]

It creates 10,000 x scale confirmed statements (1,000 x scale customers x 10 months, 3 lines and
the ageing each) directly as superuser (the figures themselves do not matter here), then prints:
- archiving all of them with the daily scheduled action's method (batches of 50 committed one by
  one): wall time, per statement, queries;
- verifying the company's whole chain (every content hash, file hash and link recomputed):
  wall time, per statement, queries;
- the same chain with one line amount changed in SQL: the break must be found and located.
``--files`` chooses what is rendered and hashed with each statement: ``none`` (the chain alone;
PDF rendering is timed by the reports benchmark: about 5.7 statements a second on two cores),
``xlsx`` (the XLSX report), or ``all`` (PDF and XLSX; needs the database's server running, which
``setup/benchmark.sh`` does for the reports benchmark only).
"""

import argparse
import logging
from datetime import date

from bench_reminders import timed  # run as a script: this folder is on the path
from dateutil.relativedelta import relativedelta

STATEMENT = "monthly.settlement.statement"
MONTHS = 10
LINES = [
    {"line_type": "opening", "amount": 0, "balance": 100.0},
    {"line_type": "invoice", "name": "INV", "amount": 250.5, "balance": 350.5},
    {"line_type": "payment", "name": "PAY", "amount": -50.25, "balance": 300.25},
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="throwaway database with monthly_settlement")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10,000 statements")
    parser.add_argument("--files", choices=("none", "xlsx", "all"), default="none")
    args, _unknown = parser.parse_known_args()  # setup/benchmark.sh passes the same arguments to every benchmark
    return args


def seed(env, customers):
    partners = env["res.partner"].create(
        [{"name": f"Bench archive customer {index:05d}", "is_company": True} for index in range(customers)]
    )
    currency = env.company.currency_id
    vals_list = []
    for month in range(MONTHS):
        period_start = date(2026, 1, 1) + relativedelta(months=month)
        period_end = period_start + relativedelta(months=1, days=-1)
        for partner in partners:
            vals_list.append(
                {
                    "name": f"ST/BENCH/{month:02d}/{partner.id}",
                    "state": "confirmed",
                    "partner_id": partner.id,
                    "currency_id": currency.id,
                    "period_start": period_start,
                    "period_end": period_end,
                    "opening_balance": 100.0,
                    "period_debit": 250.5,
                    "period_credit": 50.25,
                    "closing_balance": 300.25,
                    "confirm_name": "张三",
                    "answer_channel": "phone",
                    "line_ids": [
                        (0, 0, {**line, "date": period_start, "date_due": period_end, "sequence": sequence})
                        for sequence, line in enumerate(LINES)
                    ],
                    "ageing_ids": [(0, 0, {"sequence": 0, "amount": 300.25})],
                }
            )
    statements = env[STATEMENT]
    for start in range(0, len(vals_list), 1000):
        statements |= statements.create(vals_list[start : start + 1000])
        env.cr.commit()
    return statements


def main():
    args = parse_args()
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    registry = Registry(args.database)
    customers = max(1, round(1000 * args.scale))
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
        if args.files != "all":
            reports = {
                "none": env["ir.actions.report"],
                "xlsx": env["ir.actions.report"].search(
                    [
                        ("model", "=", STATEMENT),
                        ("report_name", "=", "monthly_settlement_reports.report_statement_xlsx"),
                    ]
                ),
            }[args.files]
            type(env[STATEMENT])._get_statement_reports = lambda self: reports.with_env(self.env)
        company = env.company
        _statements, seconds, _queries = timed(cr, lambda: seed(env, customers))
        count = customers * MONTHS
        print(f"seeded {count} confirmed statements ({customers} customers x {MONTHS} months) in {seconds:.1f} s")
        before = env["monthly.settlement.archive.entry"].search_count([("company_id", "=", company.id)])

        _result, seconds, queries = timed(cr, lambda: env[STATEMENT]._cron_archive_statements())
        archived = env["monthly.settlement.archive.entry"].search_count([("company_id", "=", company.id)]) - before
        assert archived == count, f"{archived} archived of {count}"
        print(
            f"archive {archived} statements (files: {args.files}): {seconds:.1f} s, "
            f"{1000 * seconds / count:.2f} ms/statement, {queries} queries"
        )

        env.invalidate_all()
        check, seconds, queries = timed(cr, lambda: env["monthly.settlement.archive.check"]._run(company))
        assert check.is_intact and check.entry_count == before + count, check.result
        print(
            f"verify the chain of {check.entry_count} entries: {seconds:.1f} s, "
            f"{1000 * seconds / check.entry_count:.2f} ms/entry, {queries} queries"
        )

        victim = env[STATEMENT].search([("archive_entry_id", "!=", False)], order="id desc", limit=1)
        env.flush_all()
        cr.execute(
            "UPDATE monthly_settlement_statement_line SET amount = amount + 1 WHERE id = %s", [victim.line_ids[-1].id]
        )
        env.invalidate_all()
        check, seconds, queries = timed(cr, lambda: env["monthly.settlement.archive.check"]._run(company))
        assert check.problem_count == 1 and victim.name in check.result, check.result
        print(f"verify again with one line changed in SQL: found and located in {seconds:.1f} s ({queries} queries)")
        cr.rollback()


if __name__ == "__main__":
    main()
