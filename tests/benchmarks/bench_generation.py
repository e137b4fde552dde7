"""Benchmark: generating and storing a period's statements vs OCA partner_statement's compute.

Run it with ``bash setup/benchmark.sh`` (it builds and drops a throwaway database), or directly::

    python tests/benchmarks/bench_generation.py -c ODOO_CONF -d DB [--customers 1000] [--docs 50]
        [--months 3] [--scale 10]

What it does, in one run:

1. Seeds N monthly customers (cut-off 25th, 60 days) with M documents a month for a few months:
   per customer and month 80 % invoices, 4 % credit notes and 16 % payments; from the second
   month on, each payment is reconciled with invoices of the month before (the last one in part),
   so statements have opening balances, open amounts and overdue buckets. Seeding goes through
   SQL: one invoice, credit note and payment are made with the ORM, then cloned row by row
   (every column copied, amounts scaled, partner/dates/names replaced) with INSERT ... SELECT, and
   reconciliations are inserted as account_partial_reconcile rows with their max_date. The data
   are then checked: every move balanced, each customer's receivable balance = what was seeded.
2. Times ``monthly.settlement.statement._generate_statements`` for the period 2026-09-26 ..
   2026-10-25 of all customers, storage included (statements, lines, ageing written and
   flushed), with the number of queries; then rolls it back.
3. Times OCA ``partner_statement``'s detailed activity statement computation
   (``report.partner_statement.detailed_activity_statement._get_report_values``) for the same
   customers and period, with ageing buckets, as its wizard prepares it (compute only, no PDF).
   With ``--detailed``, times it again with every customer on the detailed level (documents
   with their product lines, one per seeded document).
   With ``--bound``, times in the same savepoint what generation cannot go below (a bare-SQL
   bound): one query computing every customer's opening, debits, credits, closing and the as-of
   open amount of each line (the engine's own receivable items, materialised), and one
   INSERT ... SELECT of all lines into a table built like the statement line table (same
   columns, indexes and foreign keys, referencing the statements just generated); then prints
   where our time goes, stage by stage (the engine's methods, timed).
4. With ``--scale K`` (default 10) seeds K-1 more batches of customers (K times the data) and
   repeats 2 over all of them (3 as well with ``--oca-at-scale``: OCA needs minutes per 1,000
   customers), then prints the ratio.
"""

import argparse
import random
import time
from datetime import date, timedelta

import odoo.init  # noqa: F401  (Odoo 19: sets up the odoo namespace, as odoo-bin does)
from odoo import api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.orm.utils import SUPERUSER_ID
from odoo.tools import SQL, config

PERIOD_START, PERIOD_END = date(2026, 9, 26), date(2026, 10, 25)
DATE_TO = date(2026, 11, 24)  # the day the period's statements are generated
FIRST_MONTH_START = date(2026, 6, 26)
TEMPLATE_AMOUNT = 100.0


def month_starts(months):
    """Period starts (cut-off 25th) of the seeded months, the statement period last."""
    starts = []
    start = PERIOD_START
    for _ in range(months):
        starts.insert(0, start)
        previous = start.replace(day=1) - timedelta(days=1)
        start = previous.replace(day=26)
    return starts


class Seeder:
    def __init__(self, env, docs_per_month, months, rng):
        self.env = env
        self.cr = env.cr
        self.docs = docs_per_month
        self.months = months
        self.rng = rng
        self.templates = self._make_templates()
        self.expected_balance = {}

    def _make_templates(self):
        """One posted invoice, credit note and payment of 100.00, made by the ORM."""
        env = self.env
        partner = env["res.partner"].create({"name": "Bench template", "is_company": True})
        line = {"name": "bench", "quantity": 1, "price_unit": TEMPLATE_AMOUNT, "tax_ids": []}
        invoice, refund = env["account.move"].create(
            [
                {
                    "move_type": kind,
                    "partner_id": partner.id,
                    "invoice_date": FIRST_MONTH_START,
                    "invoice_line_ids": [Command.create(line)],
                }
                for kind in ("out_invoice", "out_refund")
            ]
        )
        (invoice | refund).action_post()
        payment = env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": TEMPLATE_AMOUNT,
                "date": FIRST_MONTH_START,
            }
        )
        payment.action_post()
        env.flush_all()
        return {"invoice": invoice.id, "refund": refund.id, "payment": payment.move_id.id}

    def seed(self, count, label):
        """Seed ``count`` customers; returns them."""
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Bench {label} {index:05d}",
                    "is_company": True,
                    "settlement_mode": "monthly",
                    "settlement_cutoff_day": 25,
                    "settlement_payment_days": 60,
                }
                for index in range(count)
            ]
        )
        self.env.flush_all()
        docs, partials = self._plan(partners.ids)
        self._insert(docs, partials)
        return partners

    def _plan(self, partner_ids):
        """Documents (id, partner, kind, date, due, amount) and reconciliations (invoice, payment, amount)."""
        docs, partials = [], []
        invoices_per_month = self.docs * 80 // 100
        refunds_per_month = self.docs * 4 // 100
        payments_per_month = self.docs - invoices_per_month - refunds_per_month
        doc_id = self._next_doc_id()
        for partner_id in partner_ids:
            balance = 0.0
            previous_invoices = []
            for start in month_starts(self.months):
                end = (start.replace(day=1) + timedelta(days=32)).replace(day=25)
                due = end + timedelta(days=60)
                days = (end - start).days
                month_invoices = []
                for _index in range(invoices_per_month):
                    doc_id += 1
                    amount = round(self.rng.uniform(100, 20000), 2)
                    docs.append(
                        (doc_id, partner_id, "invoice", start + timedelta(self.rng.randrange(days)), due, amount)
                    )
                    month_invoices.append((doc_id, amount))
                    balance += amount
                for _index in range(refunds_per_month):
                    doc_id += 1
                    amount = round(self.rng.uniform(50, 2000), 2)
                    docs.append(
                        (doc_id, partner_id, "refund", start + timedelta(self.rng.randrange(days)), due, amount)
                    )
                    balance -= amount
                # Payments settle last month's invoices in chunks; the last chunk in part.
                chunk = max(len(previous_invoices) // max(payments_per_month, 1), 1)
                for index in range(payments_per_month):
                    doc_id += 1
                    paid = previous_invoices[index * chunk : (index + 1) * chunk]
                    if index == payments_per_month - 1:
                        paid = [(invoice, round(amount * 0.6, 2)) for invoice, amount in paid]
                    amount = round(sum(amount for _invoice, amount in paid), 2) or round(self.rng.uniform(100, 5000), 2)
                    when = start + timedelta(self.rng.randrange(days))
                    docs.append((doc_id, partner_id, "payment", when, when, amount))
                    partials += [(invoice, doc_id, part, when) for invoice, part in paid]
                    balance -= amount
                previous_invoices = month_invoices
            self.expected_balance[partner_id] = round(balance, 2)
        return docs, partials

    def _next_doc_id(self):
        self.cr.execute(
            "CREATE TABLE IF NOT EXISTS bench_doc (id int PRIMARY KEY, batch int, partner_id int,"
            " kind varchar, date date, due date, amount numeric, move_id int)"
        )
        self.cr.execute("SELECT COALESCE(MAX(id), 0) FROM bench_doc")
        return self.cr.fetchone()[0]

    def _columns(self, table):
        self.cr.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = %s AND column_name != 'id'",
            [table],
        )
        return self.cr.fetchall()

    def _clone_select(self, table, alias, overrides):
        """SELECT list copying every column of ``table`` from ``alias``, amounts scaled by ``factor``."""
        names, values = [], []
        for column, data_type in self._columns(table):
            names.append(SQL.identifier(column))
            if column in overrides:
                values.append(overrides[column])
            elif data_type == "numeric" and (
                column.startswith("amount")
                or column
                in (
                    "debit",
                    "credit",
                    "balance",
                    "price_unit",
                    "price_subtotal",
                    "price_total",
                    "tax_base_amount",
                    "discount_balance",
                    "discount_amount_currency",
                )
            ):
                values.append(SQL("%s * factor", SQL.identifier(alias, column)))
            else:
                values.append(SQL.identifier(alias, column))
        return SQL(", ").join(names), SQL(", ").join(values)

    def _insert(self, docs, partials):
        cr = self.cr
        batch = docs[0][0]  # first document id: names this seeding batch
        columns = list(zip(*docs, strict=True))
        cr.execute(
            SQL(
                "INSERT INTO bench_doc (batch, id, partner_id, kind, date, due, amount) "
                "SELECT %s, * FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::date[], %s::date[], %s::numeric[])",
                batch,
                *[list(column) for column in columns],
            )
        )
        cr.execute("ANALYZE bench_doc")
        template_of_kind = SQL(
            "CASE d.kind WHEN 'invoice' THEN %s WHEN 'refund' THEN %s ELSE %s END",
            self.templates["invoice"],
            self.templates["refund"],
            self.templates["payment"],
        )
        names, values = self._clone_select(
            "account_move",
            "t",
            {
                "name": SQL("'BENCH/' || d.kind || '/' || d.id"),
                "partner_id": SQL("d.partner_id"),
                "commercial_partner_id": SQL("d.partner_id"),
                "date": SQL("d.date"),
                "invoice_date": SQL("CASE WHEN t.invoice_date IS NULL THEN NULL ELSE d.date END"),
                "invoice_date_due": SQL("CASE WHEN t.invoice_date_due IS NULL THEN NULL ELSE d.due END"),
                "settlement_period_start": SQL("NULL"),
                "settlement_period_end": SQL("NULL"),
                "ref": SQL("'PO-' || d.id"),
                "payment_reference": SQL("'BENCH/' || d.kind || '/' || d.id"),
                "access_token": SQL("NULL"),
            },
        )
        cr.execute(
            SQL(
                """
            WITH inserted AS (
                INSERT INTO account_move (%(names)s)
                SELECT %(values)s
                  FROM (SELECT bench_doc.*, bench_doc.amount / %(template)s AS factor FROM bench_doc
                         WHERE batch = %(batch)s) d
                  JOIN account_move t ON t.id = (%(template_of_kind)s)
                RETURNING id, name
            )
            UPDATE bench_doc SET move_id = inserted.id
              FROM inserted
             WHERE bench_doc.batch = %(batch)s AND inserted.name = 'BENCH/' || bench_doc.kind || '/' || bench_doc.id
            """,
                names=names,
                values=values,
                template=TEMPLATE_AMOUNT,
                batch=batch,
                template_of_kind=template_of_kind,
            )
        )
        names, values = self._clone_select(
            "account_move_line",
            "t",
            {
                "move_id": SQL("d.move_id"),
                "partner_id": SQL("d.partner_id"),
                "date": SQL("d.date"),
                "invoice_date": SQL("CASE WHEN t.invoice_date IS NULL THEN NULL ELSE d.date END"),
                "date_maturity": SQL("CASE WHEN t.date_maturity IS NULL THEN NULL ELSE d.due END"),
                "move_name": SQL("'BENCH/' || d.kind || '/' || d.id"),
                "matching_number": SQL("NULL"),
                "full_reconcile_id": SQL("NULL"),
                "reconciled": SQL("FALSE"),
            },
        )
        cr.execute(
            SQL(
                """
            WITH template_line AS MATERIALIZED (  -- a handful of rows: never a scan per document
                SELECT * FROM account_move_line WHERE move_id = ANY(%(template_ids)s)
            )
            INSERT INTO account_move_line (%(names)s)
            SELECT %(values)s
              FROM (SELECT bench_doc.*, bench_doc.amount / %(template)s AS factor FROM bench_doc
                     WHERE batch = %(batch)s) d
              JOIN template_line t ON t.move_id = (%(template_of_kind)s)
            """,
                template_ids=list(self.templates.values()),
                names=names,
                values=values,
                template=TEMPLATE_AMOUNT,
                batch=batch,
                template_of_kind=template_of_kind,
            )
        )
        # The reconciliations below join the new lines: plan them with real row counts.
        cr.execute("ANALYZE account_move, account_move_line")
        if partials:
            invoice_ids, payment_ids, amounts, dates = (list(column) for column in zip(*partials, strict=True))
            cr.execute(
                SQL(
                    """
                WITH plan AS (
                    SELECT * FROM unnest(%(invoices)s::int[], %(payments)s::int[], %(amounts)s::numeric[],
                                         %(dates)s::date[]) AS plan(invoice_doc, payment_doc, amount, max_date)
                ),
                receivable AS (
                    SELECT id FROM account_account WHERE account_type = 'asset_receivable'
                )
                INSERT INTO account_partial_reconcile
                       (debit_move_id, credit_move_id, amount, debit_amount_currency, credit_amount_currency,
                        debit_currency_id, credit_currency_id, company_id, max_date,
                        create_uid, create_date, write_uid, write_date)
                SELECT debit.id, credit.id, plan.amount, plan.amount, plan.amount,
                       debit.currency_id, credit.currency_id, debit.company_id, plan.max_date,
                       1, now(), 1, now()
                  FROM plan
                  JOIN bench_doc invoice ON invoice.id = plan.invoice_doc
                  JOIN account_move_line debit ON debit.move_id = invoice.move_id
                   AND debit.account_id IN (SELECT id FROM receivable)
                  JOIN bench_doc payment ON payment.id = plan.payment_doc
                  JOIN account_move_line credit ON credit.move_id = payment.move_id
                   AND credit.account_id IN (SELECT id FROM receivable)
                """,
                    invoices=invoice_ids,
                    payments=payment_ids,
                    amounts=amounts,
                    dates=dates,
                )
            )
        # Residuals as Odoo keeps them (OCA and Odoo's own views read them).
        cr.execute(
            SQL(
                """
            WITH batch_line AS (
                SELECT line.id FROM bench_doc doc JOIN account_move_line line ON line.move_id = doc.move_id
                 WHERE doc.batch = %s
            ),
            settled AS (
                SELECT line_id, SUM(amount) AS amount FROM (
                    SELECT debit_move_id AS line_id, amount FROM account_partial_reconcile
                     WHERE debit_move_id IN (SELECT id FROM batch_line)
                    UNION ALL
                    SELECT credit_move_id, -amount FROM account_partial_reconcile
                     WHERE credit_move_id IN (SELECT id FROM batch_line)
                ) part GROUP BY line_id
            )
            UPDATE account_move_line line
               SET amount_residual = line.balance - settled.amount,
                   amount_residual_currency = line.amount_currency - settled.amount,
                   reconciled = (line.balance - settled.amount) = 0
              FROM settled
             WHERE settled.line_id = line.id
        """,
                batch,
            )
        )
        # Fresh statistics, as autovacuum would have them: both sides plan with real row counts.
        cr.execute("ANALYZE account_move_line, account_partial_reconcile, res_partner")
        self.env.invalidate_all()

    def check(self, partners):
        """Every seeded move balanced; each customer's receivable balance = the seeded one."""
        cr = self.cr
        cr.execute(
            "SELECT COUNT(*) FROM (SELECT move_id FROM account_move_line WHERE move_name LIKE 'BENCH/%'"
            " GROUP BY move_id HAVING ROUND(SUM(balance), 2) != 0) unbalanced"
        )
        unbalanced = cr.fetchone()[0]
        cr.execute(
            SQL(
                """
            SELECT line.partner_id, ROUND(SUM(line.balance), 2)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
             WHERE account.account_type = 'asset_receivable' AND line.partner_id = ANY(%s)
             GROUP BY line.partner_id
            """,
                partners.ids,
            )
        )
        wrong = sum(1 for partner_id, balance in cr.fetchall() if balance != self.expected_balance[partner_id])
        cr.execute("SELECT COUNT(*) FROM bench_doc")
        documents = cr.fetchone()[0]
        return {"documents": documents, "unbalanced moves": unbalanced, "customers with a wrong balance": wrong}


# The engine's stages, timed by wrapping its methods (--bound): (label, method).
ENGINE_STAGES = (
    ("jobs (periods of the customers)", "_jobs"),
    ("claim (advisory locks, done ones)", "_claim"),
    ("figures: ageing and opening query", "_ageing_totals"),
    ("figures: lines query and Python", "_compute_figures"),
    ("statement headers (ORM create)", "_create_statements"),
    ("lines and ageing (INSERT ... SELECT of JSON)", "_insert_rows"),
    ("product lines (INSERT ... SELECT)", "_store_product_lines"),
)


class StageTimer:
    """Time spent in each engine method while active (nested stages are subtracted from their caller)."""

    def __init__(self, env):
        self.engine_class = type(env["monthly.settlement.engine"])
        self.seconds = dict.fromkeys((name for _label, name in ENGINE_STAGES), 0.0)
        self.stack = []
        self.originals = {}

    def __enter__(self):
        for _label, name in ENGINE_STAGES:
            original = getattr(self.engine_class, name)
            self.originals[name] = original
            setattr(self.engine_class, name, self._wrap(name, original))
        return self

    def __exit__(self, *exc):
        for name, original in self.originals.items():
            setattr(self.engine_class, name, original)

    def _wrap(self, name, original):
        timer = self

        def timed(*args, **kwargs):
            start = time.perf_counter()
            timer.stack.append(0.0)
            try:
                return original(*args, **kwargs)
            finally:
                nested = timer.stack.pop()
                elapsed = time.perf_counter() - start
                timer.seconds[name] += elapsed - nested
                if timer.stack:
                    timer.stack[-1] += elapsed

        return timed


def time_bound(env, statements):
    """The bare-SQL bound, after our generation in the same savepoint: one query for every
    customer's figures and the as-of open amount of each line, one INSERT ... SELECT of the lines
    into a copy of the line table (same indexes and foreign keys) under the statements just made."""
    cr = env.cr
    partners = statements.partner_id
    jobs = env["monthly.settlement.engine"]._jobs(partners, DATE_TO)
    cr.execute("CREATE TABLE bench_statement_line (LIKE monthly_settlement_statement_line INCLUDING ALL)")
    cr.execute("CREATE SEQUENCE bench_statement_line_id_seq OWNED BY bench_statement_line.id")
    cr.execute("ALTER TABLE bench_statement_line ALTER id SET DEFAULT nextval('bench_statement_line_id_seq')")
    cr.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'monthly_settlement_statement_line'::regclass AND contype = 'f'"
    )
    for name, definition in cr.fetchall():
        cr.execute(
            SQL("ALTER TABLE bench_statement_line ADD CONSTRAINT %s " + definition, SQL.identifier(f"bench_{name}"))
        )
    cr.execute("ANALYZE bench_statement_line")
    start = time.perf_counter()
    cr.execute(
        SQL(
            """
        CREATE TEMP TABLE bench_bound_line ON COMMIT DROP AS
        %(items)s,
        document AS (
            SELECT partner_id, currency_id, move_id, period_start, date >= period_start AS in_period,
                   MIN(date) AS date, MIN(date_maturity) AS date_due,
                   SUM(amount_currency) AS amount, SUM(open_amount) AS open_amount
              FROM item
             GROUP BY partner_id, currency_id, move_id, period_start, date >= period_start
        )
        SELECT document.*,
               SUM(amount) FILTER (WHERE NOT in_period) OVER customer AS opening,
               SUM(amount) FILTER (WHERE in_period AND amount > 0) OVER customer AS debits,
               -SUM(amount) FILTER (WHERE in_period AND amount < 0) OVER customer AS credits,
               SUM(amount) OVER customer AS closing,
               SUM(amount) OVER (customer ORDER BY NOT in_period DESC, date, move_id) AS balance,
               ROW_NUMBER() OVER (customer ORDER BY NOT in_period DESC, date, move_id) AS sequence
          FROM document
        WINDOW customer AS (PARTITION BY partner_id, currency_id)
        """,
            items=env["monthly.settlement.engine"]._receivable_items_sql(jobs),
        )
    )
    figures = time.perf_counter() - start
    cr.execute(
        SQL(
            """
        INSERT INTO bench_statement_line
               (statement_id, sequence, line_type, move_id, name, ref, date, date_due, amount, open_amount,
                balance, create_uid, create_date, write_uid, write_date)
        SELECT statement.id, line.sequence,
               CASE WHEN move.move_type = 'out_invoice' THEN 'invoice'
                    WHEN move.move_type = 'out_refund' THEN 'refund'
                    WHEN move.origin_payment_id IS NOT NULL OR move.statement_line_id IS NOT NULL THEN 'payment'
                    ELSE 'other' END,
               line.move_id, move.name, COALESCE(NULLIF(move.ref, ''), move.payment_reference), line.date,
               line.date_due, line.amount, line.open_amount, line.balance, %(uid)s, now(), %(uid)s, now()
          FROM bench_bound_line line
          JOIN account_move move ON move.id = line.move_id
          JOIN monthly_settlement_statement statement
            ON statement.partner_id = line.partner_id AND statement.currency_id = line.currency_id
           AND statement.id = ANY(%(ids)s)
         WHERE line.in_period
        """,
            uid=env.uid,
            ids=statements.ids,
        )
    )
    lines = cr.rowcount
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "figures query": figures, "lines insert": elapsed - figures, "lines": lines}


def time_ours(env, partners, bound=False):
    """Generate and store every statement of the period, flushed; rolled back afterwards."""
    cr = env.cr
    cr.execute("SAVEPOINT bench_ours")
    env.invalidate_all()
    queries = cr.sql_log_count
    start = time.perf_counter()
    if bound:
        with StageTimer(env) as stages:
            statements, left = env["monthly.settlement.statement"]._generate_statements(partners, DATE_TO)
            flush_start = time.perf_counter()
            env.flush_all()
            flushed = time.perf_counter() - flush_start
    else:
        statements, left = env["monthly.settlement.statement"]._generate_statements(partners, DATE_TO)
        env.flush_all()
    elapsed = time.perf_counter() - start
    queries = cr.sql_log_count - queries
    cr.execute("SELECT COUNT(*) FROM monthly_settlement_statement_line WHERE statement_id = ANY(%s)", [statements.ids])
    lines = cr.fetchone()[0]
    cr.execute(
        "SELECT COUNT(*) FROM monthly_settlement_statement_detail WHERE statement_id = ANY(%s)", [statements.ids]
    )
    product_lines = cr.fetchone()[0]
    result = {
        "seconds": elapsed,
        "statements": len(statements),
        "lines": lines,
        "product lines": product_lines,
        "queries": queries,
    }
    if bound:
        result["stages"] = {label: stages.seconds[name] for label, name in ENGINE_STAGES}
        result["stages"]["final flush"] = flushed
        result["stages"]["the rest (Python between stages)"] = elapsed - sum(result["stages"].values())
        result["bound"] = time_bound(env, statements)
    cr.execute("ROLLBACK TO SAVEPOINT bench_ours")
    env.invalidate_all()
    assert not left
    return result


def time_ours_detailed(env, partners):
    """The same with every customer on the detailed level (documents with their product lines)."""
    env.cr.execute("UPDATE res_partner SET settlement_detail_level = 'products' WHERE id = ANY(%s)", [partners.ids])
    env.invalidate_all()
    try:
        return time_ours(env, partners)
    finally:
        env.cr.execute(
            "UPDATE res_partner SET settlement_detail_level = 'documents' WHERE id = ANY(%s)", [partners.ids]
        )
        env.invalidate_all()


def time_oca(env, partners):
    """OCA's detailed activity statement data for the same customers and period (compute only)."""
    wizard = (
        env["detailed.activity.statement.wizard"]
        .with_context(active_ids=partners.ids)
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
    env.invalidate_all()
    start = time.perf_counter()
    values = env["report.partner_statement.detailed_activity_statement"]._get_report_values(partners.ids, data)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "partners with data": len(values.get("data", {}))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--docs", type=int, default=50, help="documents per customer and month")
    parser.add_argument("--months", type=int, default=3, help="months seeded, the statement period last")
    parser.add_argument("--scale", type=int, default=10, help="repeat with this many times the data (1: no)")
    parser.add_argument(
        "--oca-at-scale",
        action="store_true",
        help="time OCA on the scaled data too (it needs minutes per 1,000 customers)",
    )
    parser.add_argument(
        "--detailed",
        action="store_true",
        help="also time the detailed level: every customer's documents with their product lines",
    )
    parser.add_argument(
        "--no-oca",
        action="store_true",
        help="time ours only (to compare with earlier figures of ours; OCA takes ~12 min per 1,000 customers)",
    )
    parser.add_argument(
        "--bound",
        action="store_true",
        help="also time a bare-SQL bound in the same run and where our time goes, stage by stage",
    )
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True)
    registry = Registry(args.database)
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        seeder = Seeder(env, args.docs, args.months, random.Random(7))
        partners = env["res.partner"]
        for run, batches in enumerate((1, args.scale) if args.scale > 1 else (1,)):
            started = time.perf_counter()
            while len(partners) < batches * args.customers:
                partners |= seeder.seed(args.customers, f"{run}-{len(partners)}")
            seeded = time.perf_counter() - started
            checks = seeder.check(partners)
            print(f"\nseeded {len(partners)} customers in {seeded:.0f} s: {checks}", flush=True)
            ours = time_ours(env, partners, bound=args.bound)
            if args.bound:
                print_bound(ours)
            if args.detailed:
                detailed = time_ours_detailed(env, partners)
                print(f"ours, with product lines: {detailed}", flush=True)
            oca = time_oca(env, partners) if not args.no_oca and (run == 0 or args.oca_at_scale) else None
            results.append((len(partners), checks["documents"], ours, oca))
            print(f"ours: {ours}\nOCA:  {oca}", flush=True)
        cr.rollback()
    print_table(args, results)


def print_bound(ours):
    bound = ours["bound"]
    print(
        f"\nours {ours['seconds']:.2f} s for {ours['statements']} statements and {ours['lines']} lines; "
        f"bare-SQL bound {bound['seconds']:.2f} s (figures query {bound['figures query']:.2f} s, "
        f"INSERT ... SELECT of {bound['lines']} lines {bound['lines insert']:.2f} s): "
        f"ours = {ours['seconds'] / bound['seconds']:.1f}x the bound"
    )
    print("where our time goes:")
    for label, seconds in ours["stages"].items():
        print(f"  {label:<46} {seconds:7.3f} s {100 * seconds / ours['seconds']:5.1f} %")


def print_table(args, results):
    print(
        f"\nStatement period {PERIOD_START}..{PERIOD_END}, {args.docs} documents per customer and month, "
        f"{args.months} months seeded."
    )
    header = ("customers", "documents", "statements", "lines", "ours s", "ms/statement", "queries", "OCA s", "OCA/ours")
    print(" | ".join(f"{title:>12}" for title in header))
    for customers, documents, ours, oca in results:
        oca_seconds = f"{oca['seconds']:.2f}" if oca else "not run"
        oca_ratio = f"{oca['seconds'] / ours['seconds']:.1f}x" if oca else "-"
        row = (
            customers,
            documents,
            ours["statements"],
            ours["lines"],
            f"{ours['seconds']:.2f}",
            f"{1000 * ours['seconds'] / max(ours['statements'], 1):.2f}",
            ours["queries"],
            oca_seconds,
            oca_ratio,
        )
        print(" | ".join(f"{value:>12}" for value in row))
    if len(results) == 2:
        (_c1, _d1, ours_1, oca_1), (_c2, _d2, ours_2, oca_2) = results
        print(
            f"\n{args.scale}x the data: ours took {ours_2['seconds'] / ours_1['seconds']:.1f}x the time"
            + (f", OCA {oca_2['seconds'] / oca_1['seconds']:.1f}x." if oca_2 else ".")
        )


if __name__ == "__main__":
    main()
