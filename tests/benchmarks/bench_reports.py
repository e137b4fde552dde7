"""Benchmark: statement PDF and XLSX rendering, and OCA partner_statement's PDF as a reference.

Run it with ``MS_BENCHMARKS=reports bash setup/benchmark.sh`` (it builds and drops a throwaway
database and runs the Odoo server wkhtmltopdf fetches the report CSS from), or directly against a
database whose server is running::

    python tests/benchmarks/bench_reports.py -c ODOO_CONF -d DB [--statements 200] [--batch 1000]

Prints, with data seeded as bench_generation.py does (same customers, documents, reconciliations):

* the PDF of a 30-line and of a 500-line statement, and OCA's detailed activity statement PDF of
  the same 30-line customer and period;
* month-end throughput: PDFs rendered by the background job's method, one wkhtmltopdf at a time
  (20 statements) and 4 and 8 at a time (``--statements``), in statements per second;
* the XLSX of a 5,000-line statement and the workbook of ``--batch`` statements.
"""

import argparse
import os
import random
import sys
import time

import odoo.init  # noqa: F401  (Odoo 19: sets up the odoo namespace, as odoo-bin does)
from odoo import api
from odoo.modules.registry import Registry
from odoo.orm.utils import SUPERUSER_ID
from odoo.tools import config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_generation import DATE_TO, PERIOD_END, PERIOD_START, Seeder

PDF = "monthly_settlement_reports.action_report_statement_pdf"
XLSX = "monthly_settlement_reports.action_report_statement_xlsx"
BATCH_XLSX = "monthly_settlement_reports.action_report_statement_batch_xlsx"
OCA_PDF = "partner_statement.action_print_detailed_activity_statement"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def seed_statements(env, count, docs_per_month, label, rng):
    """``count`` customers with about ``docs_per_month`` lines on their statement; committed,
    since the parallel PDF rendering reads them from other cursors."""
    partners = Seeder(env, docs_per_month, 2, rng).seed(count, label)
    statements, left = env["monthly.settlement.statement"]._generate_statements(partners, DATE_TO)
    assert not left
    env.cr.commit()
    return statements


def oca_pdf(env, partner):
    wizard = (
        env["detailed.activity.statement.wizard"]
        .with_context(active_ids=partner.ids)
        .create(
            {
                "date_start": PERIOD_START,
                "date_end": PERIOD_END,
                "show_aging_buckets": True,
                "account_type": "asset_receivable",
            }
        )
    )
    data = wizard._prepare_statement()
    return env["ir.actions.report"]._render_qweb_pdf(OCA_PDF, partner.ids, data=data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--statements", type=int, default=200, help="PDFs rendered for the throughput")
    parser.add_argument("--batch", type=int, default=1000, help="statements in the XLSX workbook")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True)
    registry = Registry(args.database)
    rng = random.Random(7)
    figures = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{config['http_port']}")
        month_end = seed_statements(env, max(args.statements, args.batch), 30, "month-end", rng)
        long_one = seed_statements(env, 1, 500, "long", rng)
        very_long = seed_statements(env, 1, 5000, "very long", rng)
        Report = env["ir.actions.report"]
        one = month_end[0]

        seconds, _pdf = timed(Report._render_qweb_pdf, PDF, one.ids)
        figures.append((f"PDF, {len(one.line_ids)}-line statement", f"{seconds:.2f} s"))
        seconds, _pdf = timed(Report._render_qweb_pdf, PDF, long_one.ids)
        figures.append((f"PDF, {len(long_one.line_ids)}-line statement", f"{seconds:.2f} s"))
        seconds, _pdf = timed(oca_pdf, env, one.partner_id)
        figures.append(("OCA partner_statement detailed activity PDF, same customer", f"{seconds:.2f} s"))

        env.cr.commit()  # the rendering threads must not wait on this transaction's writes (tokens)
        throughput = month_end[: args.statements]
        for workers, sample in ((1, throughput[:20]), (4, throughput), (8, throughput)):
            seconds, _none = timed(sample._render_pdfs, workers=workers)
            env.cr.commit()
            figures.append(
                (
                    f"{len(sample)} PDFs in the background job, {workers} wkhtmltopdf at a time",
                    f"{seconds:.1f} s = {len(sample) / seconds:.2f} statements/s",
                )
            )

        seconds, _xlsx = timed(Report._render, XLSX, very_long.ids)
        figures.append((f"XLSX, {len(very_long.line_ids)}-line statement", f"{seconds:.2f} s"))
        batch = month_end[: args.batch]
        env.invalidate_all()
        seconds, _xlsx = timed(Report._render, BATCH_XLSX, batch.ids)
        figures.append((f"XLSX workbook of {len(batch)} statements", f"{seconds:.2f} s"))
    width = max(len(label) for label, _value in figures)
    print()
    for label, value in figures:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
