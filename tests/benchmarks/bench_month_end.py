"""Benchmark: a whole month-end on OCA queue_job, from generation to delivered emails.

Run it with ``MS_BENCHMARKS=month_end bash setup/benchmark.sh [--customers 1000] [--docs 50]``:
it builds and drops a throwaway database and runs the database's Odoo server with the job runner
(``--load=base,web,queue_job``, the channels of setup/odoo.conf.in), which performs the jobs.
Directly, against a database whose server runs the job runner::

    python tests/benchmarks/bench_month_end.py -c ODOO_CONF -d DB [--customers 1000] [--docs 50]

What it does:

1. Seeds N monthly customers with M documents a month as bench_generation.py does (committed),
   each with an email address, and points Odoo's outgoing mail server at a local SMTP sink
   (aiosmtpd in this process, counting what it receives).
2. Times each stage, waiting for the server's job runner to finish the jobs of the stage:
   generate (the scheduled action's planning: one generation job per batch of customers),
   approve (the human review, done here in bulk through the ORM: submit then approve, as
   superuser; not a job), render (the scheduled action *prepare queued statement PDFs*: render
   jobs), send (the scheduled action *send statements*: email jobs), mail queue (emails left in
   Odoo's mail queue, if any, sent to the sink by its scheduled action here) and delivery states
   (every statement's ``delivery_state`` concluded).
3. Prints the time of each stage and the total, the number of statements, of rendered PDFs and
   of emails the sink received, and the load average.
"""

import argparse
import logging
import os
import random
import socket
import sys
import time

from aiosmtpd.controller import Controller

import odoo.init  # noqa: F401  (Odoo 19: sets up the odoo namespace, as odoo-bin does)
from odoo import api
from odoo.modules.registry import Registry
from odoo.orm.utils import SUPERUSER_ID
from odoo.tools import config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_generation import DATE_TO, Seeder

STATEMENT = "monthly_settlement_statement"
POLL_SECONDS = 0.5
STALL_SECONDS = 20


class CountingInbox:
    """aiosmtpd handler counting messages per recipient."""

    def __init__(self):
        self.recipients = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def query(registry, sql, params=()):
    with registry.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def wait_jobs(registry, run_ids, timeout):
    """Wait until no job of the runs is pending, enqueued or started; returns the failed ones."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        [(busy, failed)] = query(
            registry,
            """SELECT count(*) FILTER (WHERE state IN ('pending', 'enqueued', 'started', 'wait_dependencies')),
                      count(*) FILTER (WHERE state = 'failed')
                 FROM queue_job WHERE month_end_id = ANY(%s)""",
            [run_ids],
        )
        if not busy:
            return failed
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"jobs of runs {run_ids} still running after {timeout} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--docs", type=int, default=50, help="documents per customer and month")
    parser.add_argument("--months", type=int, default=1, help="months seeded (the period's last)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait for a stage's jobs")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    registry = Registry(args.database)
    inbox = CountingInbox()
    sink = Controller(inbox, hostname="127.0.0.1", port=free_port())
    sink.start()
    try:
        run(args, registry, sink, inbox)
    finally:
        sink.stop()


def run(args, registry, sink, inbox):
    seed_start = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{config['http_port']}")
        env["ir.mail_server"].search([]).active = False
        env["ir.mail_server"].create(
            {
                "name": "Benchmark SMTP sink",
                "smtp_host": "127.0.0.1",
                "smtp_port": sink.port,
                "smtp_encryption": "none",
            }
        )
        env.company.settlement_four_eyes = False  # the review below is done by one user
        partners = Seeder(env, args.docs, args.months, random.Random(7)).seed(args.customers, "month-end")
        cr.execute(
            "UPDATE res_partner SET email = 'customer' || id || '@example.com' WHERE id = ANY(%s)", [partners.ids]
        )
        env.invalidate_all()
        partner_ids, company_id = partners.ids, env.company.id
    seed_seconds = time.perf_counter() - seed_start
    print(f"seeded {len(partner_ids)} customers x {args.docs} documents/month in {seed_seconds:.1f} s", flush=True)

    stages = []
    counts = {}

    def stage(label, function):
        start = time.perf_counter()
        detail = function()
        seconds = time.perf_counter() - start
        stages.append((label, seconds, detail))
        print(f"  {label}: {seconds:.1f} s {detail}", flush=True)

    def env_of(cr):
        return api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [company_id]})

    def generate():
        with registry.cursor() as cr:
            env = env_of(cr)
            periods = env["monthly.settlement.engine"]._jobs(env["res.partner"].browse(partner_ids), DATE_TO)
            runs = env["monthly.settlement.month.end"]._plan_generation(env.company, "account", periods)
            counts["runs"] = runs.ids
        failed = wait_jobs(registry, counts["runs"], args.timeout)
        [(made,)] = query(registry, f"SELECT count(*) FROM {STATEMENT} WHERE partner_id = ANY(%s)", [partner_ids])
        counts["statements"] = made
        return f"({made} statements, {failed} failed jobs)"

    def approve():
        with registry.cursor() as cr:
            env = env_of(cr)
            statements = env["monthly.settlement.statement"].search([("partner_id", "in", partner_ids)])
            statements.action_submit()
            statements.action_approve()
            return f"({len(statements)} submitted and approved through the ORM as superuser, one transaction)"

    def enqueue(cron):
        with registry.cursor() as cr:
            getattr(env_of(cr)["monthly.settlement.statement"], cron)()

    def render():
        enqueue("_cron_render_pdfs")
        failed = wait_jobs(registry, counts["runs"], args.timeout)
        [(rendered,)] = query(
            registry,
            f"SELECT count(*) FROM {STATEMENT} WHERE partner_id = ANY(%s) AND pdf_attachment_id IS NOT NULL",
            [partner_ids],
        )
        counts["pdfs"] = rendered
        return f"({rendered} PDFs, {failed} failed jobs)"

    def send():
        enqueue("_cron_send_statements")
        failed = wait_jobs(registry, counts["runs"], args.timeout)
        return f"({failed} failed jobs; sink has {len(inbox.recipients)} emails)"

    def mail_queue():
        """The email jobs send their emails after their commit (Odoo's forced sending), so the
        last ones may still be going out when the jobs are done: wait for Odoo's queue to empty.
        Only emails that stay queued with no progress for STALL_SECONDS are sent here by the
        mail queue's scheduled action (running it meanwhile would race the server's sending)."""
        outgoing = "SELECT count(*) FROM mail_mail WHERE state = 'outgoing'"
        [(left,)] = query(registry, outgoing)
        processed_here = 0
        last, last_change = left, time.monotonic()
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            [(now,)] = query(registry, outgoing)
            if not now:
                break
            if now != last:
                last, last_change = now, time.monotonic()
            elif time.monotonic() - last_change > STALL_SECONDS:
                with registry.cursor() as cr:
                    env_of(cr)["mail.mail"].process_email_queue()
                processed_here += now
                last_change = time.monotonic()
            time.sleep(POLL_SECONDS)
        return (
            f"({left} emails still queued when the jobs were done, {processed_here} sent by the mail queue "
            f"run here; sink has {len(inbox.recipients)} emails)"
        )

    def delivery_states():
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            states = dict(
                query(
                    registry,
                    f"SELECT coalesce(delivery_state, 'none'), count(*) FROM {STATEMENT} "
                    "WHERE partner_id = ANY(%s) GROUP BY 1",
                    [partner_ids],
                )
            )
            if not states.get("queued"):
                break
            time.sleep(POLL_SECONDS)
        counts["states"] = states
        return f"({states})"

    total_start = time.perf_counter()
    stage("generate", generate)
    stage("approve (human review, bulk ORM)", approve)
    stage("render", render)
    stage("send", send)
    stage("mail queue delivered to the sink", mail_queue)
    stage("delivery states updated", delivery_states)
    total = time.perf_counter() - total_start

    pdf_jobs = query(
        registry,
        "SELECT channel, state, count(*) FROM queue_job WHERE month_end_id = ANY(%s) GROUP BY 1, 2 ORDER BY 1, 2",
        [counts["runs"]],
    )
    emails = len(inbox.recipients)
    per_customer = {}
    for recipient in inbox.recipients:
        per_customer[recipient] = per_customer.get(recipient, 0) + 1
    print(f"\nmonth-end of {len(partner_ids)} customers x {args.docs} documents/month ({args.months} month(s) seeded)")
    width = len("total without the review (approve)")
    for label, seconds, _detail in stages:
        print(f"  {label:<{width}}  {seconds:8.1f} s")
    print(f"  {'total':<{width}}  {total:8.1f} s")
    review = next(seconds for label, seconds, _detail in stages if label.startswith("approve"))
    print(f"  {'total without the review (approve)':<{width}}  {total - review:8.1f} s")
    print(f"statements {counts['statements']}, PDFs {counts['pdfs']}, emails received by the sink {emails}")
    print(
        f"customers with exactly one email: {sum(1 for n in per_customer.values() if n == 1)}, "
        f"with more than one: {sum(1 for n in per_customer.values() if n > 1)}"
    )
    print(f"delivery states: {counts['states']}")
    print("jobs (channel, state, count):", pdf_jobs)
    print(f"load average at the end (1, 5, 15 min): {os.getloadavg()} (2 cores)")


if __name__ == "__main__":
    main()
