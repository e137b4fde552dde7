"""Benchmark: payment reminders and the open amount of statements.

Run it by hand on a THROWAWAY database that has ``monthly_settlement`` installed (the test
database of ``setup/test.sh`` will do; it is rebuilt by every test run)::

    python tests/benchmarks/bench_reminders.py -c ODOO_CONF -d DATABASE [--customers 200] [--invoices 5]

It creates the customers and their invoices of one period through the ORM (so keep the numbers
small: about 9 documents a second here), pays the first invoice of every third customer,
generates and sends the statements, then prints:
- ``_get_open_amounts`` for all the statements: wall time and SQL queries (one query whatever
  the number of statements);
- the reminders due on the due date (which statements, which step, open amounts): wall time
  and queries, whatever the number of statements;
- sending them: wall time, time per reminder (an email rendered and posted per statement: that
  dominates), queries;
- the same day again (nothing left to send): wall time and queries.
Each figure is checked against the data before it is printed: the open amounts against the
invoices, the reminders sent against the unpaid statements. Everything is committed at the end,
so the data stays in the database.
"""

import argparse
import logging
import time
from datetime import date

PERIOD_DAY = date(2026, 10, 10)  # in the period 2026-09-26..2026-10-25 of a cut-off on the 25th
GENERATION_DAY = date(2026, 11, 24)
DUE_DAY = date(2026, 12, 24)  # 2026-10-25 + 60 days
AMOUNT = 100.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="throwaway database with monthly_settlement")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--invoices", type=int, default=5, help="invoices per customer in the period")
    return parser.parse_args()


def timed(cr, function):
    queries = cr.sql_log_count
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start, cr.sql_log_count - queries


def seed(env, args):
    company = env.company
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench reminder customer {index:05d}",
                "is_company": True,
                "email": f"bench{index}@example.com",
                "settlement_mode": "monthly",
                "settlement_cycle": "monthly",
                "settlement_cutoff_day": 25,
                "settlement_payment_days": 60,
                "settlement_payment_base": "statement_date",
            }
            for index in range(args.customers)
        ]
    )
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    invoices = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": PERIOD_DAY,
                "journal_id": journal.id,
                "invoice_line_ids": [(0, 0, {"name": "Bench", "price_unit": AMOUNT, "quantity": 1, "tax_ids": []})],
            }
            for customer in customers
            for _index in range(args.invoices)
        ]
    )
    invoices.action_post()
    env.flush_all()
    # Statistics as autovacuum would have them by now: without them PostgreSQL may plan Odoo's
    # payment queries on the new lines badly (a run here spent more than 10 minutes in one).
    env.cr.execute("ANALYZE account_move, account_move_line, res_partner")
    paid = invoices.filtered(lambda move: move.partner_id in customers[::3])[:: args.invoices]
    env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
        {"payment_date": PERIOD_DAY, "group_payment": False}
    )._create_payments()
    env.flush_all()
    statements, left = env["monthly.settlement.statement"]._generate_statements(customers, GENERATION_DAY)
    assert not left and len(statements) == args.customers
    for statement in statements:
        statement.sudo().write({"state": "sent", "name": f"ST/BENCH/{statement.id:06d}"})
    env.flush_all()
    return customers, statements, paid


def main():
    args = parse_args()
    import odoo  # noqa: PLC0415  (Odoo is importable only in its venv)
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", args.config, "-d", args.database, "--no-http", "--log-level=warn"], setup_logging=True)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        start = time.perf_counter()
        customers, statements, paid = seed(env, args)
        print(
            f"seeded {len(customers)} customers, {len(customers) * args.invoices} invoices, {len(paid)} paid, "
            f"{len(statements)} statements in {time.perf_counter() - start:.1f} s"
        )

        amounts, seconds, queries = timed(cr, statements._get_open_amounts)
        expected = {
            statement.id: AMOUNT * (args.invoices - (statement.partner_id in paid.partner_id))
            for statement in statements
        }
        assert amounts == expected, "open amounts differ from the invoices"
        print(f"_get_open_amounts, {len(statements)} statements: {seconds * 1000:.0f} ms, {queries} queries")

        reminders = env["monthly.settlement.reminder"].with_company(env.company)
        due, seconds, queries = timed(cr, lambda: reminders._prepare_payment_reminders(DUE_DAY))
        assert len(due) == len(statements), "every statement has an open amount: each gets its reminder"
        print(f"reminders due, {len(due)} statements: {seconds * 1000:.0f} ms, {queries} queries")
        _result, seconds, queries = timed(cr, lambda: reminders._send_reminders(due, DUE_DAY))
        sent = reminders.search_count([("statement_id", "in", statements.ids)])
        assert sent == len(statements)
        print(
            f"sending {sent} reminders: {seconds:.2f} s ({seconds / sent * 1000:.0f} ms a reminder), {queries} queries"
        )
        due, seconds, queries = timed(cr, lambda: reminders._prepare_payment_reminders(DUE_DAY))
        assert not due, "each step is sent once"
        print(f"same day again, nothing to send: {seconds * 1000:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()
