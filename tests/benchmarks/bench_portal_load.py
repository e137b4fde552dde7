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
5. Prints what else ran: the clients' own CPU (they share the machine with the server), the CPU
   of the server's processes, and the load average before and after the run.

Pages only (HTML), as a browser with its asset bundles cached asks for them. The clients are light
(``http.client``, the body checked for its marker as bytes, no HTML parsing) so that they take
little of the CPU the server needs on a small machine.
"""

import argparse
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta

import odoo.init
import odoo.release
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.orm.utils import SUPERUSER_ID
from odoo.tools import config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from odoo_servers import free_port, stop_server, wait_until_up

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
    wait_until_up(server, port)
    return server, f"http://127.0.0.1:{port}"


class Browser:
    """One client's HTTP connection (kept alive while the server keeps it) and cookies."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):  # the server closed the connection: once more
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.connection.close()
        return response.status, response.headers, content


def login(port):
    """A session of its own for the portal user, logged in through /web/login as a browser does."""
    browser = Browser(port)
    _status, _headers, page = browser.request("GET", "/web/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page)[1].decode()
    body = urlencode({"login": LOGIN, "password": LOGIN, "csrf_token": token, "redirect": "/my"})
    status, headers, _content = browser.request("POST", "/web/login", body)
    if status != 303 or "/web/login" in (headers.get("Location") or ""):
        raise SystemExit(f"login failed: {status} {headers.get('Location')}")
    return browser


class Client(threading.Thread):
    def __init__(self, port, pages, stop_at, start_barrier):
        super().__init__(daemon=True)
        self.port = port
        self.pages = pages  # [(label, path, marker)]
        self.stop_at = stop_at
        self.start_barrier = start_barrier
        self.timings = {label: [] for label, _path, _marker in pages}
        self.errors = {label: 0 for label, _path, _marker in pages}
        self.failure = None

    def fetch(self, label, path, marker, browser):
        start = time.perf_counter()
        try:
            status, _headers, content = browser.request("GET", path)
            ok = status == 200 and marker in content
        except (http.client.HTTPException, OSError):
            ok = False
        elapsed = time.perf_counter() - start
        if ok:
            self.timings[label].append(elapsed)
        else:
            self.errors[label] += 1

    def run(self):
        try:
            browser = login(self.port)
            for _label, path, marker in self.pages:  # warm-up, not counted
                status, _headers, content = browser.request("GET", path)
                if status != 200 or marker not in content:
                    raise RuntimeError(f"{path}: {status}")
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
            self.fetch(label, path, marker, browser)
            turn += 1


def _proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server_pid, database):
    """CPU seconds so far: this process (the clients), the server and its workers, the PostgreSQL
    backends of the database, and the whole machine (busy, total)."""
    children, postgres = {}, 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            parent, cpu = _proc_cpu_seconds(entry)
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except OSError:
            continue
        children.setdefault(parent, []).append((int(entry), cpu))
        if command.startswith(b"postgres: ") and f" {database} ".encode() in command:
            postgres += cpu
    server, todo = _proc_cpu_seconds(server_pid)[1], [server_pid]
    while todo:
        for child, cpu in children.get(todo.pop(), ()):
            server += cpu
            todo.append(child)
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:8]]
    ticks = os.sysconf("SC_CLK_TCK")
    return {
        "clients": time.process_time(),
        "server": server,
        "postgres": postgres,
        "busy": (sum(values) - values[3] - values[4]) / ticks,
        "total": sum(values) / ticks,
    }


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
    server, _base = start_server(args, port, gevent_port)
    try:
        pages = [
            ("list /my/statements", "/my/statements", b"ST/PL/0000"),
            (f"page /my/statements/{big_id} ({args.lines} lines)", f"/my/statements/{big_id}", b"o_statement_lines"),
        ]
        stop_at = [float("inf")]
        barrier = threading.Barrier(args.clients + 1)
        clients = [Client(port, pages, stop_at, barrier) for _ in range(args.clients)]
        for client in clients:
            client.start()
        try:
            barrier.wait(timeout=300)
        except threading.BrokenBarrierError:
            failures = [client.failure for client in clients if client.failure]
            raise SystemExit(f"clients failed to log in or warm up: {failures[:3]}") from None
        load_before = os.getloadavg()
        cpu_before = cpu_snapshot(server.pid, args.database)
        stop_at[0] = time.monotonic() + args.seconds
        began = time.monotonic()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - began
        cpu_after = cpu_snapshot(server.pid, args.database)
        load_after = os.getloadavg()
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
    cpu = {key: cpu_after[key] - cpu_before[key] for key in cpu_before}
    cpu["others"] = cpu["busy"] - cpu["clients"] - cpu["server"] - cpu["postgres"]
    cpu["idle"] = cpu["total"] - cpu["busy"]
    print(
        f"CPU during the run ({os.cpu_count()} cores, {cpu['total']:.0f} core-seconds): "
        + ", ".join(
            f"{title} {cpu[key]:.1f} s ({100 * cpu[key] / cpu['total']:.0f} %)"
            for key, title in (
                ("clients", "benchmark clients"),
                ("server", "Odoo server"),
                ("postgres", "PostgreSQL for this database"),
                ("others", "other processes"),
                ("idle", "idle"),
            )
        )
    )
    print(
        "load average (1, 5, 15 min): before "
        + " ".join(f"{value:.2f}" for value in load_before)
        + ", after "
        + " ".join(f"{value:.2f}" for value in load_after)
    )


if __name__ == "__main__":
    main()
