"""Benchmark: statement PDF and XLSX rendering, and OCA partner_statement's PDF as a reference.

Run it with ``MS_BENCHMARKS=reports bash setup/benchmark.sh`` (it builds and drops a throwaway
database and runs the Odoo server wkhtmltopdf fetches the report CSS from), or directly against a
database whose server is running::

    python tests/benchmarks/bench_reports.py -c ODOO_CONF -d DB [--statements 200] [--batch 1000]

Prints, with data seeded as bench_generation.py does (same customers, documents, reconciliations):

* the PDF of a 30-line and of a 500-line statement, and OCA's detailed activity statement PDF of
  the same 30-line customer and period;
* one statement on demand (the report action), before (``statement_pdf_one_per_call``: Odoo's
  path, the CSS fetched over HTTP and its JavaScript delay) and after (one run, CSS inlined);
* month-end throughput in statements per second, before: the former background job's thread pool
  (8 wkhtmltopdf at a time, one statement each, each thread its own cursor), reproduced here;
  after: ``_render_pdfs`` on chunks of ``--chunk`` statements (one wkhtmltopdf run per chunk, as
  a queue job does), one at a time and two at a time (two workers), on ``--statements``
  statements of mixed lengths (30, 5 and 120 lines);
* the XLSX of a 5,000-line statement and the workbook of ``--batch`` statements.
"""

import argparse
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor

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


def cpu_seconds():
    """CPU time of this process (all threads) and of its finished children (wkhtmltopdf)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def throughput(count, seconds, cpu):
    """Statements per second, and per second of CPU: the second does not depend on what else runs
    on the machine (the first does, and more for the rendering that keeps the cores busy)."""
    return (
        f"{seconds:.1f} s = {count / seconds:.2f} statements/s; CPU {cpu / count * 1000:.0f} ms a statement "
        f"(2 idle cores: up to {2 * count / cpu:.1f}/s)"
    )


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
    parser.add_argument("--chunk", type=int, default=40, help="statements per _render_pdfs call")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True)
    registry = Registry(args.database)
    rng = random.Random(7)
    figures = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{config['http_port']}")
        month_end = seed_statements(env, max(args.statements, args.batch), 30, "month-end", rng)
        short = seed_statements(env, args.statements // 4, 5, "short", rng)
        longer = seed_statements(env, args.statements // 4, 120, "longer", rng)
        # mixed lengths, interleaved: two of 30 lines, one of 5, one of 120...
        mixed = env["monthly.settlement.statement"].concat(
            *(
                statement
                for index in range(args.statements // 4)
                for statement in (month_end[2 * index], month_end[2 * index + 1], short[index], longer[index])
            )
        )
        long_one = seed_statements(env, 1, 500, "long", rng)
        very_long = seed_statements(env, 1, 5000, "very long", rng)
        Report = env["ir.actions.report"]
        one = month_end[0]

        Old = Report.with_context(statement_pdf_one_per_call=True)
        for label, report in (("before", Old), ("after", Report)):
            for statement in (one, long_one):
                seconds, _pdf = timed(report._render_qweb_pdf, PDF, statement.ids)
                figures.append(
                    (f"PDF on demand, {len(statement.line_ids)}-line statement, {label}", f"{seconds:.2f} s")
                )
        seconds, _pdf = timed(oca_pdf, env, one.partner_id)
        figures.append(("OCA partner_statement detailed activity PDF, same customer", f"{seconds:.2f} s"))

        env.cr.commit()  # the rendering threads must not wait on this transaction's writes (tokens)
        sample = mixed[: args.statements]
        lines = sorted(len(statement.line_ids) for statement in sample)
        mix = f"{len(sample)} statements of {lines[0]} to {lines[-1]} lines"

        def old_render(statement_id):  # the former _render_pdfs: one statement per wkhtmltopdf call
            with registry.cursor() as thread_cr:
                thread_env = api.Environment(thread_cr, SUPERUSER_ID, {"statement_pdf_one_per_call": True})
                thread_env["ir.actions.report"]._render_qweb_pdf(PDF, [statement_id])

        start, cpu_start = time.perf_counter(), cpu_seconds()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(old_render, sample.ids))
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
        figures.append((f"{mix}, before (8 threads)", throughput(len(sample), seconds, cpu)))

        chunks = [sample[start : start + args.chunk] for start in range(0, len(sample), args.chunk)]

        def new_render(chunk_ids):  # a queue job: chunk._render_pdfs() in its own transaction
            with registry.cursor() as job_cr:
                api.Environment(job_cr, SUPERUSER_ID, {})["monthly.settlement.statement"].browse(
                    chunk_ids
                )._render_pdfs()
                job_cr.rollback()  # the next measure renders them again

        for workers in (1, 2):
            start, cpu_start = time.perf_counter(), cpu_seconds()
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(new_render, [chunk.ids for chunk in chunks]))
            seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
            figures.append(
                (
                    f"{mix}, after (chunks of {args.chunk}, {workers} job(s) at a time)",
                    throughput(len(sample), seconds, cpu),
                )
            )

        seconds, _xlsx = timed(Report._render, XLSX, very_long.ids)
        figures.append((f"XLSX, {len(very_long.line_ids)}-line statement", f"{seconds:.2f} s"))
        batch = month_end[: args.batch]
        env.invalidate_all()
        seconds, _xlsx = timed(Report._render, BATCH_XLSX, batch.ids)
        figures.append((f"XLSX workbook of {len(batch)} statements", f"{seconds:.2f} s"))
    width = max(len(label) for label, _value in figures)
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f} (2 cores)")
    for label, value in figures:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
