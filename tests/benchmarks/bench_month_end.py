"""Benchmark: a whole month-end on OCA queue_job, from generation to delivered emails, on one
or several Odoo servers sharing the database, optionally with one server killed halfway.

Run it with ``MS_BENCHMARKS=month_end bash setup/benchmark.sh [--customers 1000] [--docs 50]
[--servers 1,2] [--kill render]`` (it builds and drops a throwaway database), or directly against
a database with the modules installed (seeding commits into it)::

    python tests/benchmarks/bench_month_end.py -c ODOO_CONF -d DB [--customers 1000] [--docs 50]
        [--servers 1,2] [--kill generate|render|send]

What it does:

1. Seeds, per phase (``--servers 1,2``: a phase on one server, then one on two), N monthly
   customers with M documents a month as bench_generation.py does (committed), each with an email
   address, and points Odoo's outgoing mail server at a local SMTP sink (aiosmtpd in this
   process, counting what it receives); then VACUUM (ANALYZE), so that PostgreSQL does not
   analyze the new rows during the first phase.
2. Starts Odoo servers as several servers of a production set-up run: threaded, the job runner on
   (``--load=base,web,queue_job``, the channels of the config's ``[queue_job]`` section), no
   scheduled actions, each on its own loopback port, behind a round-robin TCP proxy in this
   process (the load balancer) to which the job runner sends its jobs (``ODOO_QUEUE_JOB_PORT``)
   and wkhtmltopdf its asset requests (``report.url``). queue_job elects one job runner per
   database (an advisory lock); the others stand by and take over when it dies. A phase of two
   servers starts the second beside the first and uses the same channel capacities.
3. Times each stage of a phase, waiting for the jobs of the stage: generate (the scheduled
   action's planning: a generation job per batch of customers), approve (the human review, done
   here in bulk through the ORM: submit then approve, as superuser; not a job), render (the
   scheduled action *prepare queued statement PDFs*), send (*send statements*), mail queue
   (emails left in Odoo's mail queue, sent to the sink by its scheduled action here if they
   stall) and delivery states (every statement's ``delivery_state`` concluded).
4. ``--kill STAGE``: in the last phase, once a job of that stage is done and another is running
   on the first server, kills that server's process group with SIGKILL (its wkhtmltopdf
   included), then starts it again; prints what the kill left (jobs *started* by a dead
   process) and what became of those jobs.
5. Prints per phase the time of each stage and the total, the work each server did (jobs per
   channel, statements generated, rendered and emailed), and the checks, computed here in SQL
   and from the sink: one statement per customer, one PDF per statement, one email per customer,
   no failed job. Then the load average.
"""

import argparse
import logging
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import closing

import psycopg2
from aiosmtpd.controller import Controller

import odoo.init
import odoo.release
from odoo import api, sql_db
from odoo.modules.registry import Registry
from odoo.orm.utils import SUPERUSER_ID
from odoo.tools import config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_generation import DATE_TO, Seeder
from odoo_servers import free_port, stop_server, wait_until_up

STATEMENT = "monthly_settlement_statement"
CHANNEL = "root.monthly_settlement"
POLL_SECONDS = 0.5
STALL_SECONDS = 20


class CountingInbox:
    """aiosmtpd handler counting messages per recipient."""

    def __init__(self):
        self.recipients = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def query(registry, sql, params=()):
    with registry.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


class RoundRobinProxy:
    """The load balancer in front of the servers: each TCP connection goes to the next server
    that accepts it (a dead one is skipped)."""

    def __init__(self):
        self.ports = []
        self._next = 0
        self._lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def add(self, port):
        with self._lock:
            self.ports.append(port)

    def remove(self, port):
        with self._lock:
            self.ports.remove(port)

    def _accept(self):
        while True:
            client, _address = self.listener.accept()
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _connect(self):
        with self._lock:
            ports, start = list(self.ports), self._next
            self._next += 1
        for offset in range(len(ports)):
            try:
                return socket.create_connection(("127.0.0.1", ports[(start + offset) % len(ports)]), timeout=5)
            except OSError:
                continue
        return None

    def _serve(self, client):
        backend = self._connect()
        if backend is None:
            client.close()
            return
        backend.settimeout(None)
        threading.Thread(target=self._pipe, args=(backend, client), daemon=True).start()
        self._pipe(client, backend)

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
            target.shutdown(socket.SHUT_WR)
        except OSError:
            source.close()
            target.close()


class Servers:
    """Odoo servers on the database, as several servers of a production set-up, behind the proxy."""

    def __init__(self, args, proxy):
        self.args = args
        self.proxy = proxy
        self.running = {}  # name: (process, port)
        self.names_by_pid = {}  # every process a server ever had: its jobs' worker_pid

    def start(self, name):
        odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.release.__file__)), "odoo-bin")
        port = free_port()
        command = [
            sys.executable,
            odoo_bin,
            "-c",
            self.args.config,
            "-d",
            self.args.database,
            f"--db-filter=^{re.escape(self.args.database)}$",
            "--max-cron-threads=0",
            "--load=base,web,queue_job",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={free_port()}",
            "--log-level=warn",
        ]
        environment = dict(os.environ, ODOO_QUEUE_JOB_HOST="127.0.0.1", ODOO_QUEUE_JOB_PORT=str(self.proxy.port))
        process = subprocess.Popen(command, env=environment, start_new_session=True)
        wait_until_up(process, port, f"server {name}", seconds=240)
        self.running[name] = (process, port)
        self.names_by_pid[process.pid] = name
        self.proxy.add(port)
        return process

    def _take_out(self, name):
        """The server's process, no longer behind the load balancer."""
        process, port = self.running.pop(name)
        self.proxy.remove(port)
        return process

    def kill(self, name):
        """SIGKILL to the server's process group (its wkhtmltopdf included), as a crash does."""
        process = self._take_out(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self, name):
        """A graceful stop, as a server taken out of service: its job runner stands down."""
        stop_server(self._take_out(name), seconds=60)

    def stop_all(self):
        for name in list(self.running):
            self.stop(name)


class Killer:
    """``--kill STAGE``: kills the first server once a job of the stage is done and another runs
    there, and starts it again (in the background: the stage goes on meanwhile)."""

    def __init__(self, servers, stage):
        self.servers = servers
        self.stage = stage
        self.killed_jobs = []
        self.report = []
        self.restarted = None
        self.killed_at = self.killed_at_utc = None
        self.requeued_after = self.done_after = None

    def watch(self, registry, run_ids, first_job_id, stage):
        if stage != self.stage or self.killed_jobs:
            return
        process, _port = self.servers.running["A"]
        channel = f"{CHANNEL}.{stage}"
        [(done, started_here)] = query(
            registry,
            """SELECT count(*) FILTER (WHERE state = 'done'),
                      array_agg(uuid) FILTER (WHERE state = 'started' AND worker_pid = %s)
                 FROM queue_job WHERE month_end_id = ANY(%s) AND id > %s AND channel = %s""",
            [process.pid, run_ids, first_job_id, channel],
        )
        if not done or not started_here:
            return
        self.servers.kill("A")
        self.killed_at = time.monotonic()
        [(self.killed_at_utc,)] = query(registry, "SELECT now() AT TIME ZONE 'utc'")
        self.killed_jobs = started_here
        [(left_started,)] = query(
            registry, "SELECT count(*) FROM queue_job WHERE uuid = ANY(%s) AND state = 'started'", [started_here]
        )
        self.report.append(
            f"killed server A (SIGKILL to pid {process.pid} and its children) during {stage}, "
            f"{done} {stage} jobs done; it left {left_started} jobs started"
        )
        self.restarted = threading.Thread(target=self._restart, daemon=True)
        self.restarted.start()

    def _restart(self):
        self.servers.start("A")
        self.report.append(f"server A answered again {time.monotonic() - self.killed_at:.1f} s after the kill")

    def watch_killed_jobs(self, registry):
        """When the jobs the kill left started were requeued, and done."""
        if not self.killed_jobs or (self.requeued_after is not None and self.done_after is not None):
            return
        [(started, done)] = query(
            registry,
            """SELECT count(*) FILTER (WHERE state = 'started' AND date_started < %s),
                      count(*) FILTER (WHERE state = 'done')
                 FROM queue_job WHERE uuid = ANY(%s)""",
            [self.killed_at_utc, self.killed_jobs],
        )
        elapsed = time.monotonic() - self.killed_at
        if self.requeued_after is None and not started:
            self.requeued_after = elapsed
        if self.done_after is None and done == len(self.killed_jobs):
            self.done_after = elapsed

    def conclude(self, registry):
        if not self.killed_jobs:
            self.report.append(f"no kill: no {self.stage} job ran on server A after another was done")
            return
        self.restarted.join()
        states = query(
            registry,
            "SELECT state, retry, count(*) FROM queue_job WHERE uuid = ANY(%s) GROUP BY 1, 2",
            [self.killed_jobs],
        )
        self.watch_killed_jobs(registry)

        def seconds(value):
            return "?" if value is None else f"{value:.1f}"

        self.report.append(
            f"the jobs it left started: taken back by the job runner {seconds(self.requeued_after)} s after "
            f"the kill, done {seconds(self.done_after)} s after it (seen every {POLL_SECONDS} s); "
            f"now (state, retries, count): {states}"
        )


def wait_jobs(registry, run_ids, timeout, watch=None):
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
        if watch:
            watch()
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"jobs of runs {run_ids} still running after {timeout} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=1000, help="customers per phase")
    parser.add_argument("--docs", type=int, default=50, help="documents per customer and month")
    parser.add_argument("--months", type=int, default=1, help="months seeded (the period's last)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait for a stage's jobs")
    parser.add_argument(
        "--servers", default="1", help="servers of each phase, e.g. 1,2: a phase on one server, then on two"
    )
    parser.add_argument("--kill", choices=("generate", "render", "send"), help="kill a server in this stage")
    args = parser.parse_args()
    phases = [int(count) for count in args.servers.split(",")]
    if any(count not in (1, 2) for count in phases):
        parser.error("--servers: 1 or 2 servers per phase")
    if args.kill and phases[-1] != 2:
        parser.error("--kill needs two servers in the last phase (the other one takes the jobs over)")
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    registry = Registry(args.database)
    inbox = CountingInbox()
    sink = Controller(inbox, hostname="127.0.0.1", port=free_port())
    sink.start()
    proxy = RoundRobinProxy()
    servers = Servers(args, proxy)
    try:
        seeded = seed(args, registry, sink, proxy, len(phases))
        results = []
        for number, count in enumerate(phases, 1):
            for name in "AB"[count:]:
                if name in servers.running:
                    servers.stop(name)
            for name in "AB"[:count]:
                if name not in servers.running:
                    servers.start(name)
            killer = Killer(servers, args.kill) if args.kill and number == len(phases) else None
            results.append(run_phase(args, registry, inbox, seeded, number, servers, killer))
        print_comparison(results)
    finally:
        servers.stop_all()
        sink.stop()
    print(f"load average at the end (1, 5, 15 min): {os.getloadavg()} (2 cores)")


def seed(args, registry, sink, proxy, phases):
    """The customers of each phase (committed), the SMTP sink as the mail server; returns
    (company id, [partner ids of each phase])."""
    seed_start = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{proxy.port}")
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
        seeder = Seeder(env, args.docs, args.months, random.Random(7))
        partner_ids = []
        for number in range(1, phases + 1):
            partners = seeder.seed(args.customers, f"month-end {number}")
            cr.execute(
                "UPDATE res_partner SET email = 'customer' || id || '@example.com' WHERE id = ANY(%s)", [partners.ids]
            )
            partner_ids.append(partners.ids)
        env.invalidate_all()
        company_id = env.company.id
    seconds = time.perf_counter() - seed_start
    print(
        f"seeded {phases} x {args.customers} customers x {args.docs} documents/month in {seconds:.1f} s",
        flush=True,
    )
    # As a database that has lived with its data: PostgreSQL's autovacuum would otherwise analyze
    # the freshly seeded tables during the first phase, on the same two cores.
    start = time.perf_counter()
    _name, dsn = sql_db.connection_info_for(args.database)
    with closing(psycopg2.connect(**dsn)) as connection:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute("VACUUM (ANALYZE)")
    print(f"VACUUM (ANALYZE) in {time.perf_counter() - start:.1f} s", flush=True)
    return company_id, partner_ids


def run_phase(args, registry, inbox, seeded, number, servers, killer):
    company_id, partner_ids = seeded[0], seeded[1][number - 1]
    emails = {f"customer{partner_id}@example.com" for partner_id in partner_ids}
    title = f"phase {number}: {len(servers.running)} server(s) {', '.join(sorted(servers.running))}"
    if killer:
        title += f", server A killed during {killer.stage}"
    print(f"\n{title}", flush=True)
    stages = []
    counts = {}

    def received():
        return [recipient for recipient in inbox.recipients if recipient in emails]

    def stage(label, function):
        start = time.perf_counter()
        detail = function()
        seconds = time.perf_counter() - start
        stages.append((label, seconds))
        print(f"  {label}: {seconds:.1f} s {detail}", flush=True)

    def env_of(cr):
        return api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [company_id]})

    def wait(stage_name):
        def watch():
            killer.watch(registry, counts["runs"], counts["first_job"], stage_name)
            killer.watch_killed_jobs(registry)

        return wait_jobs(registry, counts["runs"], args.timeout, watch if killer else None)

    def generate():
        with registry.cursor() as cr:
            env = env_of(cr)
            periods = env["monthly.settlement.engine"]._jobs(env["res.partner"].browse(partner_ids), DATE_TO)
            runs = env["monthly.settlement.month.end"]._plan_generation(env.company, "account", periods)
            counts["runs"] = runs.ids
        failed = wait("generate")
        [(made,)] = query(registry, f"SELECT count(*) FROM {STATEMENT} WHERE partner_id = ANY(%s)", [partner_ids])
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
        failed = wait("render")
        # Counted before the emails, which attach copies of these PDFs to the statements' messages.
        counts["pdfs"] = query(
            registry,
            f"""SELECT count(*) FILTER (WHERE pdfs = 1), count(*) FILTER (WHERE pdfs > 1),
                       count(*) FILTER (WHERE pdfs = 0)
                  FROM (SELECT statement.id, count(attachment.id) AS pdfs
                          FROM {STATEMENT} statement
                     LEFT JOIN ir_attachment attachment
                            ON attachment.res_model = 'monthly.settlement.statement'
                           AND attachment.res_id = statement.id
                           AND attachment.mimetype = 'application/pdf'
                         WHERE statement.partner_id = ANY(%s)
                      GROUP BY statement.id) per_statement""",
            [partner_ids],
        )[0]
        return f"({counts['pdfs'][0]} statements with one PDF, {failed} failed jobs)"

    def send():
        enqueue("_cron_send_statements")
        failed = wait("send")
        return f"({failed} failed jobs; the sink has {len(received())} emails)"

    def mail_queue():
        """The email jobs send their emails after their commit (Odoo's forced sending), so the
        last ones may still be going out when the jobs are done: wait for Odoo's queue to empty.
        Only emails that stay queued with no progress for STALL_SECONDS are sent here by the
        mail queue's scheduled action (as a server's would; running it meanwhile would race the
        servers' sending)."""
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
            f"run here; the sink has {len(received())} emails)"
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

    [(counts["first_job"],)] = query(registry, "SELECT coalesce(max(id), 0) FROM queue_job")
    total_start = time.perf_counter()
    stage("generate", generate)
    stage("approve (human review, bulk ORM)", approve)
    stage("render", render)
    stage("send", send)
    stage("mail queue delivered to the sink", mail_queue)
    stage("delivery states updated", delivery_states)
    total = time.perf_counter() - total_start
    review = next(seconds for label, seconds in stages if label.startswith("approve"))

    width = len("total without the review (approve)")
    print(f"\n{title}: {len(partner_ids)} customers x {args.docs} documents/month ({args.months} month(s) seeded)")
    for label, seconds in stages:
        print(f"  {label:<{width}}  {seconds:8.1f} s")
    print(f"  {'total':<{width}}  {total:8.1f} s")
    print(f"  {'total without the review (approve)':<{width}}  {total - review:8.1f} s")
    print_split(registry, servers, counts["runs"], counts["first_job"], partner_ids)
    if killer:
        killer.conclude(registry)
        for line in killer.report:
            print(f"  {line}")
    checks = print_checks(registry, counts, partner_ids, received())
    return {"title": title, "total": total - review, "checks": checks}


def print_split(registry, servers, run_ids, first_job_id, partner_ids):
    """The work of each server: the jobs of the phase it ran (by their process), per channel, and
    the statements it generated, rendered and emailed."""
    jobs = query(
        registry,
        """SELECT worker_pid, channel, count(*) FROM queue_job
            WHERE month_end_id = ANY(%s) AND id > %s AND state = 'done' GROUP BY 1, 2""",
        [run_ids, first_job_id],
    )
    statements = query(
        registry,
        f"""SELECT job.worker_pid, done_by.stage, count(*)
              FROM {STATEMENT} statement,
                   LATERAL (VALUES ('generated', statement.generate_job_id), ('rendered', statement.render_job_id),
                                   ('emailed', statement.send_job_id)) AS done_by(stage, job_id)
              JOIN queue_job job ON job.id = done_by.job_id
             WHERE statement.partner_id = ANY(%s)
          GROUP BY 1, 2""",
        [partner_ids],
    )
    by_server = {}
    for kind, rows in (("jobs", jobs), ("statements", statements)):
        for pid, key, count in rows:
            done = by_server.setdefault(servers.names_by_pid.get(pid, f"pid {pid}"), {"jobs": {}, "statements": {}})
            key = "run checks" if key == CHANNEL else key.removeprefix(f"{CHANNEL}.")
            done[kind][key] = done[kind].get(key, 0) + count
    print("  work per server (jobs done per channel; statements each server generated, rendered, emailed):")
    for name, done in sorted(by_server.items()):
        jobs_text = ", ".join(f"{channel} {count}" for channel, count in sorted(done["jobs"].items()))
        statements_text = ", ".join(
            f"{stage} {done['statements'].get(stage, 0)}" for stage in ("generated", "rendered", "emailed")
        )
        print(f"    server {name}: jobs {jobs_text}; statements {statements_text}")


def print_checks(registry, counts, partner_ids, received):
    """Nothing lost, nothing doubled: computed from the tables and the sink, not from the jobs."""
    per_customer = dict(
        query(
            registry,
            f"SELECT partner_id, count(*) FROM {STATEMENT} WHERE partner_id = ANY(%s) GROUP BY 1",
            [partner_ids],
        )
    )
    emails = {}
    for recipient in received:
        emails[recipient] = emails.get(recipient, 0) + 1
    [(failed,)] = query(
        registry, "SELECT count(*) FROM queue_job WHERE month_end_id = ANY(%s) AND state = 'failed'", [counts["runs"]]
    )
    one_pdf, several_pdfs, no_pdf = counts["pdfs"]
    checks = {
        "customers with one statement": sum(1 for count in per_customer.values() if count == 1),
        "customers with several statements": sum(1 for count in per_customer.values() if count > 1),
        "customers without a statement": len(set(partner_ids) - set(per_customer)),
        "statements with one PDF": one_pdf,
        "statements with several PDFs": several_pdfs,
        "statements without a PDF": no_pdf,
        "customers with one email": sum(1 for count in emails.values() if count == 1),
        "customers with several emails": sum(1 for count in emails.values() if count > 1),
        "customers without an email": len(partner_ids) - len(emails),
        "failed jobs": failed,
    }
    ok = (
        checks["customers with one statement"] == len(partner_ids)
        and one_pdf == len(partner_ids)
        and checks["customers with one email"] == len(partner_ids)
        and not failed
    )
    print(f"  checks: {'nothing lost, nothing doubled' if ok else 'FAILED'}")
    for label, value in checks.items():
        print(f"    {label:<36} {value:6d}")
    print(f"    delivery states: {counts['states']}")
    return ok


def print_comparison(results):
    if len(results) < 2:
        return
    print("\nend to end without the review, per phase:")
    for result in results:
        print(f"  {result['title']:<60} {result['total']:8.1f} s  checks {'passed' if result['checks'] else 'FAILED'}")


if __name__ == "__main__":
    main()
