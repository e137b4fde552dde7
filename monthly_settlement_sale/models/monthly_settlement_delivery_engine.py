"""Delivery statements (送货对账单) of customers on statement before invoice, set-based.

A delivery statement lists, per order, the sale order lines delivered and not invoiced yet
whose delivery date is on or before the statement date: the period's deliveries, and those of
earlier periods still open (a line the customer disputed, a return after invoicing, shown
negative). The delivery date is the order's commitment date, else its order date, in the
company's time zone. `_deliveries_sql` is the one definition of what a line delivered and did
not invoice as of the cut-off; monthly_settlement_sale_stock reads it from the done stock moves
(one row per delivery order, returns negative, each in the period it is done).

A line is on at most one open delivery statement: the statement's product line holds it
(``held_sale_line_id``, unique) until the statement is answered or cancelled. Generation shares
the statement engine's claim, per customer and period, with its own advisory lock; what a
concurrent run committed after this run's snapshot shows as a unique violation, and that
customer is left to that run.
"""

from collections import defaultdict

from psycopg2.errors import UniqueViolation

from odoo import api, fields, models
from odoo.tools import SQL, mute_logger, split_every

from odoo.addons.monthly_settlement.models.monthly_settlement_engine import GENERATION_BATCH_SIZE

DELIVERY = "delivery"


class MonthlySettlementDeliveryEngine(models.AbstractModel):
    _name = "monthly.settlement.delivery.engine"
    _description = "Delivery Statement Engine"

    @api.model
    def _jobs(self, partners, date_to, since=None):
        """{partner: (start, end)} of the last period closed on or before ``date_to`` of the
        customers on statement before invoice among ``partners``."""
        statement_first = partners.commercial_partner_id.filtered(lambda partner: partner._is_statement_first())
        return self.env["monthly.settlement.engine"]._jobs(statement_first, date_to, since=since)

    @api.model
    def _generate(self, jobs, batch_size=GENERATION_BATCH_SIZE):
        """:return: (created statements, partners left to another run)"""
        created = self.env["monthly.settlement.statement"]
        left = self.env["res.partner"]
        for batch in split_every(batch_size, list(jobs.items())):
            batch_jobs = dict(batch)
            claimed, held_elsewhere = self.env["monthly.settlement.engine"]._claim(batch_jobs, DELIVERY)
            left |= held_elsewhere
            if not claimed:
                continue
            claimed_jobs = {partner: batch_jobs[partner] for partner in claimed}
            rows = self._delivered_rows(claimed_jobs)
            try:
                created |= self._store(claimed_jobs, rows)
            except UniqueViolation:
                # Another run committed these customers' statements or holds after this
                # transaction's snapshot: store customer by customer, leave the others to it.
                for partner in claimed:
                    try:
                        created |= self._store({partner: claimed_jobs[partner]}, rows)
                    except UniqueViolation:
                        left |= partner
        return created, left

    @api.model
    def _delivery_tz(self):
        """The time zone whose calendar days are delivery dates: the company's (the user's, else UTC,
        when the company has none), so that a statement does not depend on who generates it."""
        return self.env.company.partner_id.tz or self.env.context.get("tz") or "UTC"

    @api.model
    def _delivery_date_sql(self):
        """The day a sale order line was delivered (``sale_line``, ``sale_order`` in the query)."""
        return SQL(
            "(COALESCE(sale_order.commitment_date, sale_order.date_order) AT TIME ZONE 'UTC' AT TIME ZONE %s)::date",
            self._delivery_tz(),
        )

    @api.model
    def _deliveries_sql(self):
        """What each candidate sale order line delivered and did not invoice, as of its cut-off:
        a query over the ``line`` CTE (sale_line_id, period_end) returning rows (sale_line_id,
        period_end, delivery_date, delivery_ref, quantity), several per line when it went out in
        several deliveries. Here, without stock: one row, the delivered quantity not invoiced
        yet, dated by `_delivery_date_sql` (a row dated after the cut-off is left out). The
        glue module with sale_stock reads the done stock moves up to the cut-off instead."""
        return SQL(
            """
            SELECT line.sale_line_id, line.period_end, %(delivery_date)s AS delivery_date,
                   NULL::varchar AS delivery_ref, sale_line.qty_delivered - sale_line.qty_invoiced AS quantity
              FROM line
              JOIN sale_order_line sale_line ON sale_line.id = line.sale_line_id
              JOIN sale_order ON sale_order.id = sale_line.order_id
            """,
            delivery_date=self._delivery_date_sql(),
        )

    @api.model
    def _delivered_rows(self, jobs):
        """The delivered, uninvoiced sale order lines of the jobs' customers up to each statement
        date that no open delivery statement holds, in one query: a row per line and delivery.

        :return: {partner_id: [row dict]} ordered by currency, delivery date, order, delivery, line
        """
        if not jobs:
            return {}
        self.env.flush_all()  # raw SQL below: deliveries and invoices of this transaction count
        partners = list(jobs)
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        self.env.cr.execute(
            SQL(
                """
            WITH job AS (
                SELECT * FROM unnest(%(partner_ids)s::int[], %(ends)s::date[]) AS job(partner_id, period_end)
            ),
            line AS (
                SELECT job.partner_id, job.period_end, sale_line.id AS sale_line_id
                  FROM job
                  JOIN res_partner partner ON partner.commercial_partner_id = job.partner_id
                  JOIN sale_order ON sale_order.partner_id = partner.id
                  JOIN sale_order_line sale_line ON sale_line.order_id = sale_order.id
                 WHERE sale_order.state = 'sale'
                   AND sale_order.company_id = %(company_id)s
                   AND sale_line.display_type IS NULL
                   AND sale_line.is_downpayment IS NOT TRUE
                   AND NOT EXISTS (
                       SELECT 1 FROM monthly_settlement_statement_detail held
                        WHERE held.held_sale_line_id = sale_line.id
                   )
            ),
            delivery AS (%(deliveries)s),
            delivered AS (
                SELECT line.partner_id, sale_order.currency_id, sale_order.id AS order_id,
                       sale_order.name AS order_name, sale_order.client_order_ref,
                       delivery.delivery_date, delivery.delivery_ref,
                       sale_line.id AS sale_line_id, sale_line.sequence, sale_line.product_id, sale_line.name,
                       ROUND(delivery.quantity::numeric, %(digits)s)::float AS quantity,
                       sale_line.product_uom_id, sale_line.price_unit, sale_line.discount,
                       line.period_end
                  FROM line
                  JOIN delivery ON delivery.sale_line_id = line.sale_line_id AND delivery.period_end = line.period_end
                  JOIN sale_order_line sale_line ON sale_line.id = line.sale_line_id
                  JOIN sale_order ON sale_order.id = sale_line.order_id
                 WHERE ROUND(delivery.quantity::numeric, %(digits)s) != 0
            )
            SELECT delivered.partner_id, delivered.currency_id, delivered.order_id, delivered.order_name,
                   delivered.client_order_ref, delivered.delivery_date, delivered.delivery_ref, delivered.sale_line_id,
                   delivered.product_id, delivered.name, delivered.quantity, delivered.product_uom_id,
                   delivered.price_unit, delivered.discount,
                   (SELECT string_agg(COALESCE(tax.name->>lang.code, tax.name->>'en_US'), ', '
                                      ORDER BY tax.sequence, tax.id)
                      FROM account_tax_sale_order_line_rel rel
                      JOIN account_tax tax ON tax.id = rel.account_tax_id
                     WHERE rel.sale_order_line_id = delivered.sale_line_id)
              FROM delivered
              JOIN res_partner customer ON customer.id = delivered.partner_id
             CROSS JOIN LATERAL (SELECT COALESCE(customer.settlement_lang, customer.lang, 'en_US') AS code) lang
             WHERE delivered.delivery_date <= delivered.period_end
             ORDER BY delivered.partner_id, delivered.currency_id, delivered.delivery_date, delivered.order_id,
                      delivered.delivery_ref NULLS FIRST, delivered.sequence, delivered.sale_line_id
            """,
                partner_ids=[partner.id for partner in partners],
                ends=[jobs[partner][1] for partner in partners],
                company_id=self.env.company.id,
                deliveries=self._deliveries_sql(),
                digits=digits,
            )
        )
        columns = (
            "partner_id currency_id order_id order_name ref delivery_date delivery_ref sale_line_id product_id name "
            "quantity uom_id price_unit discount tax_label"
        ).split()
        rows = defaultdict(list)
        for values in self.env.cr.fetchall():
            rows[values[0]].append(dict(zip(columns, values, strict=True)))
        self._compute_amounts(rows)
        return rows

    @api.model
    def _compute_amounts(self, rows):
        """Each row's amounts untaxed (``amount_untaxed``) and tax included (``amount``) for its
        delivered quantity, as Odoo computes the invoice line that quantity makes: the sale order
        line's taxes (price included or not), discount and the company's rounding (per line, or
        globally over the lines of one statement, as over one invoice)."""
        tax_model = self.env["account.tax"]
        sale_lines = self.env["sale.order.line"].browse(
            {row["sale_line_id"] for partner_rows in rows.values() for row in partner_rows}
        )
        sale_lines.fetch(["tax_ids", "order_id", "price_unit", "discount", "product_id", "product_uom_id"])
        company = self.env.company
        for partner_rows in rows.values():
            by_currency = defaultdict(list)
            for row in partner_rows:
                by_currency[row["currency_id"]].append(row)
            for currency_rows in by_currency.values():
                base_lines = [
                    sale_lines.browse(row["sale_line_id"])._prepare_base_line_for_taxes_computation(
                        quantity=row["quantity"]
                    )
                    for row in currency_rows
                ]
                for base_line in base_lines:
                    tax_model._add_tax_details_in_base_line(base_line, company)
                tax_model._round_base_lines_tax_details(base_lines, company)
                for row, base_line in zip(currency_rows, base_lines, strict=True):
                    row["amount_untaxed"] = base_line["tax_details"]["total_excluded_currency"]
                    row["amount"] = base_line["tax_details"]["total_included_currency"]

    def _stated_quantities(self, statements):
        """{(statement id, sale order line id): quantity} delivered and not invoiced as of each
        statement's date, as generating it now would state it (its own hold aside): through
        `_deliveries_sql`, the one definition of a delivered quantity."""
        if not statements:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            WITH stated AS (
                SELECT DISTINCT detail.statement_id, detail.sale_line_id, statement.period_end
                  FROM monthly_settlement_statement_detail detail
                  JOIN monthly_settlement_statement statement ON statement.id = detail.statement_id
                 WHERE detail.statement_id = ANY(%(ids)s) AND detail.sale_line_id IS NOT NULL
            ),
            line AS (SELECT DISTINCT sale_line_id, period_end FROM stated),
            delivery AS (%(deliveries)s)
            SELECT stated.statement_id, stated.sale_line_id,
                   SUM(ROUND(delivery.quantity::numeric, %(digits)s))::float
              FROM stated
              JOIN delivery ON delivery.sale_line_id = stated.sale_line_id AND delivery.period_end = stated.period_end
             WHERE delivery.delivery_date <= stated.period_end
             GROUP BY stated.statement_id, stated.sale_line_id
            """,
                ids=statements.ids,
                deliveries=self._deliveries_sql(),
                digits=self.env["decimal.precision"].precision_get("Product Unit"),
            )
        )
        return {(statement_id, line_id): quantity for statement_id, line_id, quantity in self.env.cr.fetchall()}

    @api.model
    def _store(self, jobs, rows):
        """Create the statements of the jobs (one per customer and currency with deliveries), their
        lines (one per order) and product lines holding the sale order lines, in a savepoint."""
        engine = self.env["monthly.settlement.engine"]
        now = fields.Datetime.now()
        vals_list, groups = [], []
        for partner, (start, end) in jobs.items():
            by_currency = defaultdict(list)
            for row in rows.get(partner.id, []):
                by_currency[row["currency_id"]].append(row)
            for currency_id, currency_rows in by_currency.items():
                debit = sum(row["amount"] for row in currency_rows if row["amount"] > 0)
                credit = -sum(row["amount"] for row in currency_rows if row["amount"] < 0)
                vals_list.append(
                    {
                        "statement_type": DELIVERY,
                        "company_id": self.env.company.id,
                        "partner_id": partner.id,
                        "currency_id": currency_id,
                        "period_start": start,
                        "period_end": end,
                        "user_id": partner.user_id.id,
                        "accountant_id": partner.settlement_accountant_id.id,
                        "detail_level": "products",
                        "generate_uid": self.env.uid,
                        "generate_date": now,
                        "opening_balance": 0.0,
                        "period_debit": debit,
                        "period_credit": credit,
                        "closing_balance": debit - credit,
                    }
                )
                groups.append(currency_rows)
        if not vals_list:
            return self.env["monthly.settlement.statement"]
        with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            statements = engine._create_statements(vals_list)
            self._store_lines(statements, groups)
        return statements.with_env(self.env)

    @api.model
    def _store_lines(self, statements, groups):
        """One line per order and delivery (delivery date, order, customer reference, delivery
        order number when stock says it, amount) and its product lines: three queries for all the
        statements. A sale order line delivered in several deliveries has a product line under
        each; the first holds it for the statement."""
        engine = self.env["monthly.settlement.engine"]
        line_rows, detail_rows = [], []
        for statement, statement_rows in zip(statements, groups, strict=True):
            by_order = defaultdict(list)
            for row in statement_rows:
                by_order[row["order_id"], row["delivery_ref"]].append(row)
            balance, held = 0.0, set()
            for sequence, order_rows in enumerate(by_order.values(), start=1):
                amount = sum(row["amount"] for row in order_rows)
                balance += amount
                line_rows.append(
                    {
                        "statement_id": statement.id,
                        "sequence": sequence,
                        "line_type": DELIVERY,
                        "name": order_rows[0]["order_name"],
                        "ref": order_rows[0]["ref"],
                        "delivery_ref": order_rows[0]["delivery_ref"],
                        "date": min(row["delivery_date"] for row in order_rows),
                        "amount": amount,
                        "open_amount": 0.0,
                        "balance": balance,
                    }
                )
                detail_rows += [
                    {
                        "statement_id": statement.id,
                        "line_sequence": sequence,
                        "sequence": index,
                        "product_id": row["product_id"],
                        "name": row["name"],
                        "quantity": row["quantity"],
                        "uom_id": row["uom_id"],
                        "price_unit": row["price_unit"],
                        "discount": row["discount"],
                        "tax_label": row["tax_label"],
                        "amount_untaxed": row["amount_untaxed"],
                        "amount": row["amount"],
                        "sale_line_id": row["sale_line_id"],
                        "held_sale_line_id": row["sale_line_id"] if row["sale_line_id"] not in held else None,
                        "delivery_date": row["delivery_date"],
                    }
                    for index, row in enumerate(order_rows)
                ]
                held.update(row["sale_line_id"] for row in order_rows)
        line_model = self.env["monthly.settlement.statement.line"]
        engine._insert_rows(line_model, line_rows)
        self.env.cr.execute(
            SQL(
                "SELECT statement_id, sequence, id FROM monthly_settlement_statement_line WHERE statement_id = ANY(%s)",
                statements.ids,
            )
        )
        line_ids = {(statement_id, sequence): line_id for statement_id, sequence, line_id in self.env.cr.fetchall()}
        for row in detail_rows:
            row["line_id"] = line_ids[row["statement_id"], row.pop("line_sequence")]
        engine._insert_rows(self.env["monthly.settlement.statement.detail"], detail_rows)
        line_model.invalidate_model()
        self.env["monthly.settlement.statement.detail"].invalidate_model()
        statements.invalidate_recordset(["line_ids", "detail_ids"])

    @api.model
    def _regenerate(self, statements):
        """Recompute draft delivery statements in place: they (and the revisions they replace) let
        go of their lines, then take what is delivered and not invoiced now."""
        statements._release_deliveries(statements.previous_revision_id)
        self.env.cr.execute(
            SQL("DELETE FROM monthly_settlement_statement_line WHERE statement_id = ANY(%s)", statements.ids)
        )
        rows = self._delivered_rows(self.env["monthly.settlement.engine"]._jobs_of_statements(statements))
        now = fields.Datetime.now()
        groups = []
        for statement in statements:
            statement_rows = [
                row for row in rows.get(statement.partner_id.id, []) if row["currency_id"] == statement.currency_id.id
            ]
            debit = sum(row["amount"] for row in statement_rows if row["amount"] > 0)
            credit = -sum(row["amount"] for row in statement_rows if row["amount"] < 0)
            statement.sudo().write(
                {
                    "period_debit": debit,
                    "period_credit": credit,
                    "closing_balance": debit - credit,
                    "generate_uid": self.env.uid,
                    "generate_date": now,
                }
            )
            groups.append(statement_rows)
        self._store_lines(statements, groups)
