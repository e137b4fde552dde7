"""Benchmark: the customer portal under load, the server run as in production (prefork workers).

Run it with ``MS_BENCHMARKS=portal_load bash setup/benchmark.sh`` (it builds and drops a throwaway
database), or directly against a database with the modules installed (seeding commits into it)::

    python tests/benchmarks/bench_portal_load.py -c ODOO_CONF -d DB [--clients 20] [--seconds 60]
        [--workers 4] [--statements 1000] [--lines 500]

What it does:

1. Seeds (committed) a monthly customer who uses the portal, its portal user, ``--statements``
   sent statements (one a month back from 2026-10-25, 5 lines each, ageing buckets) and, as the
   latest one, a statement of ``--lines`` lines.
2. Starts Odoo as in production: ``--workers 4 --max-cron-threads 0``, proxy mode off, on free
   loopback ports (HTTP and the gevent one), this database only.
3. Logs ``--clients`` clients in, each its own session through /web/login as the portal user,
   requests both pages once each (the workers load the registry and the views; not counted),
   then each client requests ``/my/statements`` and the big statement's page in turn for
   ``--seconds`` seconds.
4. Prints per page: requests, errors (anything but a 200 with the page's marker), p50, p95 and
   max in milliseconds, and requests per second; then stops the server.

Pages only (HTML), as a browser with its asset bundles cached asks for them.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime

import requests
from dateutil.relativedelta import relativedelta

import odoo.init
import odoo.release
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.orm.utils import SUPERUSER_ID
from odoo.tools import config

LOGIN = "portal_load_bench"
LATEST_END = date(2026, 10, 25)
BUCKETS = ((0, 0), (1, 30), (31, 60), (61, 90), (91, 0))  # (days from, days to) as generation stores them


def seed(env, statements, lines):
    """The portal customer, its user and statements; returns (statement count, big statement id)."""
    Statement = env["monthly.settlement.statement"].with_context(tracking_disable=True, mail_create_nolog=True)
    partner = env["res.partner"].create(
        {
            "name": "门户压测客户有限公司",
            "is_company": True,
            "email": "portal-load@example.com",
            "settlement_mode": "monthly",
            "settlement_cutoff_day": 25,
            "settlement_payment_days": 60,
            "settlement_delivery_portal": True,
        }
    )
    contact = env["res.partner"].create(
        {"name": "压测联系人", "parent_id": partner.id, "email": "portal-load-user@example.com"}
    )
    env["res.users"].with_context(no_reset_password=True).create(
        {
            "login": LOGIN,
            "password": LOGIN,
            "partner_id": contact.id,
            "group_ids": [Command.set([env.ref("base.group_portal").id])],
            "company_id": env.company.id,
            "company_ids": [Command.set(env.company.ids)],
        }
    )

    def vals(index, line_count):
        end = LATEST_END - relativedelta(months=index)
        start = end - relativedelta(months=1) + relativedelta(days=1)
        line_vals = [
            Command.create(
                {
                    "sequence": 0,
                    "line_type": "opening",
                    "date": start,
                    "amount": 0.0,
                    "balance": 1000.0,
                }
            )
        ]
        balance = 1000.0
        for number in range(1, line_count):
            amount = -500.0 if number % 5 == 0 else 100.0 + number
            balance += amount
            line_vals.append(
                Command.create(
                    {
                        "sequence": number,
                        "line_type": "payment" if amount < 0 else "invoice",
                        "name": f"INV/{end.year}/{index:04d}/{number:04d}",
                        "ref": f"PO-{number}",
                        "date": start + relativedelta(days=number % 28),
                        "date_due": end + relativedelta(days=60),
                        "amount": amount,
                        "open_amount": max(amount, 0.0),
                        "balance": balance,
                    }
                )
            )
        return {
            "name": f"ST/PL/{index:04d}",
            "partner_id": partner.id,
            "currency_id": env.company.currency_id.id,
            "period_start": start,
            "period_end": end,
            "date_due": end + relativedelta(days=60),
            "opening_balance": 1000.0,
            "period_debit": sum(max(c[2]["amount"], 0) for c in line_vals),
            "period_credit": sum(max(-c[2]["amount"], 0) for c in line_vals),
            "closing_balance": balance,
            "line_ids": line_vals,
            "ageing_ids": [
                Command.create({"sequence": seq, "days_from": low, "days_to": high, "amount": 100.0 * seq})
                for seq, (low, high) in enumerate(BUCKETS)
            ],
        }

    # Created as drafts with their lines, then sent: what was sent no longer takes lines.
    created = Statement.create(vals(0, lines))
    for chunk in range(1, statements, 200):
        created |= Statement.create([vals(index, 5) for index in range(chunk, min(chunk + 200, statements))])
    big = created[0]
    env.flush_all()
    for statement in created:
        end = statement.period_end
        statement.write({"state": "sent", "send_date": datetime(end.year, end.month, end.day, 10)})
    env.flush_all()
    count = env["monthly.settlement.statement"].search_count(
        [("partner_id", "=", partner.id), ("is_on_portal", "=", True)]
    )
    return count, big.id


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, port, gevent_port):
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.release.__file__)), "odoo-bin")
    command = [
        sys.executable,
        odoo_bin,
        "-c",
        args.config,
        "-d",
        args.database,
        f"--db-filter=^{re.escape(args.database)}$",
        f"--workers={args.workers}",
        "--max-cron-threads=0",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={gevent_port}",
        "--log-level=warn",
        "--limit-time-real=120",
    ]
    server = subprocess.Popen(command, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit(f"the server stopped at start (exit {server.returncode})")
        try:
            if requests.get(f"{base}/web/login", timeout=5).status_code == 200:
                return server, base
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit("the server did not answer within 60 s")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def login(base):
    """A session of its own for the portal user, logged in through /web/login as a browser does."""
    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    answer = session.post(
        f"{base}/web/login",
        data={"login": LOGIN, "password": LOGIN, "csrf_token": token, "redirect": "/my"},
        timeout=30,
    )
    if answer.status_code != 200 or "/web/login" in answer.url:
        raise SystemExit(f"login failed: {answer.status_code} {answer.url}")
    return session


class Client(threading.Thread):
    def __init__(self, base, pages, stop_at, start_barrier):
        super().__init__(daemon=True)
        self.base = base
        self.pages = pages  # [(label, path, marker)]
        self.stop_at = stop_at
        self.start_barrier = start_barrier
        self.timings = {label: [] for label, _path, _marker in pages}
        self.errors = {label: 0 for label, _path, _marker in pages}
        self.failure = None

    def fetch(self, label, path, marker, session):
        start = time.perf_counter()
        try:
            response = session.get(f"{self.base}{path}", timeout=60, allow_redirects=False)
            ok = response.status_code == 200 and marker in response.text
        except requests.RequestException:
            ok = False
        elapsed = time.perf_counter() - start
        if ok:
            self.timings[label].append(elapsed)
        else:
            self.errors[label] += 1

    def run(self):
        try:
            session = login(self.base)
            for _label, path, marker in self.pages:  # warm-up, not counted
                session.get(f"{self.base}{path}", timeout=120).text.index(marker)
        except Exception as error:
            self.failure = error
            self.start_barrier.abort()
            return
        try:
            self.start_barrier.wait()
        except threading.BrokenBarrierError:
            return
        turn = 0
        while time.monotonic() < self.stop_at[0]:
            label, path, marker = self.pages[turn % len(self.pages)]
            self.fetch(label, path, marker, session)
            turn += 1


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients hammer the pages")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--statements", type=int, default=1000, help="statements of the portal customer")
    parser.add_argument("--lines", type=int, default=500, help="lines of the big statement")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", LOGIN)])
        if user:  # seeded by an earlier run (run directly): measure again on the same data
            statements = env["monthly.settlement.statement"].search(
                [("partner_id", "=", user.partner_id.commercial_partner_id.id), ("is_on_portal", "=", True)]
            )
            count, big_id = len(statements), statements.filtered(lambda s: s.name == "ST/PL/0000").id
            args.lines = len(env["monthly.settlement.statement"].browse(big_id).line_ids)
            print(f"{args.database} was seeded before: {count} statements, one of {args.lines} lines")
        else:
            started = time.perf_counter()
            count, big_id = seed(env, args.statements, args.lines)
            cr.commit()
            print(f"seeded {count} statements, one of {args.lines} lines, in {time.perf_counter() - started:.0f} s")
    port, gevent_port = free_port(), free_port()
    server, base = start_server(args, port, gevent_port)
    try:
        pages = [
            ("list /my/statements", "/my/statements", "ST/PL/0000"),
            (f"page /my/statements/{big_id} ({args.lines} lines)", f"/my/statements/{big_id}", "o_statement_lines"),
        ]
        stop_at = [float("inf")]
        barrier = threading.Barrier(args.clients + 1)
        clients = [Client(base, pages, stop_at, barrier) for _ in range(args.clients)]
        for client in clients:
            client.start()
        try:
            barrier.wait(timeout=300)
        except threading.BrokenBarrierError:
            failures = [client.failure for client in clients if client.failure]
            raise SystemExit(f"clients failed to log in or warm up: {failures[:3]}") from None
        stop_at[0] = time.monotonic() + args.seconds
        began = time.monotonic()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - began
    finally:
        stop_server(server)
    print(
        f"\n{args.clients} clients for {elapsed:.0f} s, server --workers {args.workers} --max-cron-threads 0 "
        f"on 127.0.0.1:{port}, {count} statements of the customer"
    )
    header = ("page", "requests", "errors", "p50 ms", "p95 ms", "max ms", "req/s")
    print(f"{header[0]:<42}" + "".join(f"{title:>10}" for title in header[1:]))
    for label, _path, _marker in pages:
        timings = [t for client in clients for t in client.timings[label]]
        errors = sum(client.errors[label] for client in clients)
        row = (
            len(timings),
            errors,
            f"{1000 * percentile(timings, 0.50):.0f}",
            f"{1000 * percentile(timings, 0.95):.0f}",
            f"{1000 * max(timings, default=float('nan')):.0f}",
            f"{len(timings) / elapsed:.1f}",
        )
        print(f"{label:<42}" + "".join(f"{value:>10}" for value in row))


if __name__ == "__main__":
    main()
