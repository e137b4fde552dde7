"""The statement engine: figures of customer statements from the books, set-based.

Everything here works on *jobs*, ``{partner: (period start, period end)}`` of one company (the
environment's), in a fixed number of queries whatever the number of partners and documents,
the way OCA ``partner_statement`` keeps its SQL behind ``report_statement_common``. Its API,
used by the statements, the reminders, the credit control and the AR ageing workbook:

* `_jobs`: the last closed period of each monthly customer on a date;
* `_generate`: claim, compute and store the statements of jobs, in batches;
* `_regenerate`: recompute draft statements in place;
* `_compute_figures`: header figures, lines and ageing of jobs (nothing stored);
* `_ageing_at`: what each customer owes by ageing bucket on a date;
* `_open_amounts`: what is still unpaid today of the documents of statements.

The methods are underscored so that no RPC client can call them: callers check access first.
"""

import json
from collections import defaultdict

from psycopg2.errors import UniqueViolation

from odoo import api, fields, models
from odoo.tools import SQL, mute_logger, split_every

GENERATION_BATCH_SIZE = 200
# First key of the advisory locks with which concurrent runs claim partners.
ADVISORY_LOCK_KEY = "monthly_settlement.statement"
HEADER_FIGURES = (
    "opening_balance",
    "period_debit",
    "period_credit",
    "closing_balance",
    "amount_not_due",
    "amount_overdue",
)


class MonthlySettlementEngine(models.AbstractModel):
    _name = "monthly.settlement.engine"
    _description = "Customer Statement Engine"

    # ------------------------------------------------------------------
    # Jobs and generation
    # ------------------------------------------------------------------

    @api.model
    def _jobs(self, partners, date_to, since=None):
        """{partner: (start, end)} of the last period closed on or before ``date_to``.

        Partners without monthly settlement, or whose last period closed before ``since``,
        are left out.
        """
        jobs = {}
        for partner in partners.commercial_partner_id.filtered("settlement_is_monthly"):
            start, end = partner._get_last_closed_settlement_period(date_to)
            if not since or end >= since:
                jobs[partner] = (start, end)
        return jobs

    @api.model
    def _generate(self, jobs, batch_size=GENERATION_BATCH_SIZE, commit=False):
        """Generate the statements of the jobs.

        Idempotent: a partner that already has a statement for that period is skipped.
        Concurrent runs (several cron workers, a user's wizard) split the partners between
        them: each batch claims its partners with a transaction-scoped advisory lock and
        leaves those another run holds. With ``commit`` every batch is committed with cron
        progress, so a run killed halfway resumes with the partners still missing.

        :return: (created statements, partners left to another run or a later one)
        """
        created = self.env["monthly.settlement.statement"]
        left = self.env["res.partner"]
        pending = list(jobs.items())
        attempted = 0
        for batch in split_every(batch_size, pending):
            new_statements, held_elsewhere = self._generate_batch(dict(batch))
            created |= new_statements
            attempted += len(batch)
            left |= held_elsewhere
            if commit:
                time_left = self.env["ir.cron"]._commit_progress(
                    len(batch) - len(held_elsewhere), remaining=len(pending) - attempted
                )
                if time_left <= 0:
                    left |= left.concat(*(partner for partner, _period in pending[attempted:]))
                    break
        return created, left

    def _generate_batch(self, jobs):
        """Claim, compute and store one batch: a fixed number of queries, whatever its size.

        :return: (created statements, partners another run holds or has just generated)
        """
        claimed, held_elsewhere = self._claim(jobs)
        if not claimed:
            return self.env["monthly.settlement.statement"], held_elsewhere
        claimed_jobs = {partner: jobs[partner] for partner in claimed}
        figures = self._compute_figures(claimed_jobs)
        vals_by_partner = defaultdict(list)
        now = fields.Datetime.now()
        partners = {partner.id: partner for partner in claimed}  # one prefetch for the batch
        for (partner_id, currency_id), values in figures.items():
            partner = partners[partner_id]
            start, end = claimed_jobs[partner]
            vals_by_partner[partner].append(
                {
                    "company_id": self.env.company.id,
                    "partner_id": partner_id,
                    "currency_id": currency_id,
                    "period_start": start,
                    "period_end": end,
                    "date_due": partner._get_settlement_due_date(end),
                    "user_id": partner.user_id.id,
                    "accountant_id": partner.settlement_accountant_id.id,
                    "detail_level": partner.settlement_detail_level,
                    "generate_uid": self.env.uid,
                    "generate_date": now,
                    **values["header"],
                }
            )
        try:
            statements = self._create_statements([vals for vals_list in vals_by_partner.values() for vals in vals_list])
        except UniqueViolation:
            # Another run committed statements of these partners after this transaction took
            # its snapshot (REPEATABLE READ), so the claim could not see them: they are done,
            # not an error. Store partner by partner and leave those to that run.
            statements = self.env["monthly.settlement.statement"]
            for partner, vals_list in vals_by_partner.items():
                try:
                    statements |= self._create_statements(vals_list)
                except UniqueViolation:
                    held_elsewhere |= partner
        self._store_details(statements, figures)
        return statements.with_env(self.env), held_elsewhere

    def _create_statements(self, vals_list):
        """Create statement headers in a savepoint: a unique violation undoes only this part."""
        with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            return (
                self.env["monthly.settlement.statement"]
                .sudo()
                .with_context(mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
                .create(vals_list)
            )

    def _regenerate(self, statements):
        """Recompute draft statements of one statement date in place: same records, fresh
        figures and lines. Never one that was sent: what the customer received stays as it was."""
        statements._check_content_unchanged({"line_ids", *HEADER_FIGURES})
        figures = self._compute_figures(self._jobs_of_statements(statements))
        now = fields.Datetime.now()
        for statement in statements:
            values = figures.get((statement.partner_id.id, statement.currency_id.id))
            header = values["header"] if values else dict.fromkeys(HEADER_FIGURES, 0.0)
            statement.sudo().write(
                {
                    **header,
                    "date_due": statement.partner_id._get_settlement_due_date(statement.period_end),
                    "detail_level": statement.partner_id.settlement_detail_level,
                    "generate_uid": self.env.uid,
                    "generate_date": now,
                }
            )
        self.env.cr.execute(
            SQL(
                "DELETE FROM monthly_settlement_statement_line WHERE statement_id = ANY(%(ids)s);"
                "DELETE FROM monthly_settlement_statement_ageing WHERE statement_id = ANY(%(ids)s)",
                ids=statements.ids,
            )
        )
        self._store_details(statements, figures)

    @api.model
    def _jobs_of_statements(self, statements):
        return {statement.partner_id: (statement.period_start, statement.period_end) for statement in statements}

    @api.model
    def _claim(self, jobs, statement_type="account"):
        """Split the jobs' partners: (to generate now, held by another run).

        Partners that already have a statement of the type for their period are in neither: that
        is what makes generation idempotent and a killed run resumable. The advisory lock (one
        per type: an account and a delivery statement of a period are made independently) lasts
        until this transaction ends, like a row lock taken with SKIP LOCKED.
        """
        self.env.flush_all()  # raw SQL below: what the ORM holds in memory must be in the database
        partners = list(jobs)
        self.env.cr.execute(
            SQL(
                """
            SELECT job.partner_id, job.done
              FROM (
                    SELECT job.partner_id, EXISTS (
                               SELECT 1
                                 FROM monthly_settlement_statement statement
                                WHERE statement.company_id = %(company_id)s
                                  AND statement.partner_id = job.partner_id
                                  AND statement.period_end = job.period_end
                                  AND statement.statement_type = %(statement_type)s
                           ) AS done
                      FROM unnest(%(partner_ids)s::int[], %(period_ends)s::date[]) AS job(partner_id, period_end)
                   ) AS job
             WHERE job.done OR pg_try_advisory_xact_lock(hashtext(%(lock_key)s), job.partner_id)
            """,
                partner_ids=[partner.id for partner in partners],
                period_ends=[jobs[partner][1] for partner in partners],
                company_id=self.env.company.id,
                statement_type=statement_type,
                lock_key=ADVISORY_LOCK_KEY if statement_type == "account" else f"{ADVISORY_LOCK_KEY}.{statement_type}",
            )
        )
        rows = self.env.cr.fetchall()
        claimed = self.env["res.partner"].browse(partner_id for partner_id, done in rows if not done)
        answered = {partner_id for partner_id, _done in rows}
        held_elsewhere = self.env["res.partner"].browse(p.id for p in partners if p.id not in answered)
        return claimed, held_elsewhere

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    @api.model
    def _receivable_items_sql(self, jobs):
        """Posted receivable lines of the jobs' partners up to each statement date, with
        their open amount as of that date.

        The open amount only counts partial reconciliations whose later line is dated on or
        before the statement date, so a payment reconciled afterwards leaves the invoice
        open on this statement. Amounts are in the line's own currency.
        """
        partners = list(jobs)
        return SQL(
            """
            WITH job AS (
                SELECT *
                  FROM unnest(%(partner_ids)s::int[], %(starts)s::date[], %(ends)s::date[])
                       AS job(partner_id, period_start, period_end)
            ),
            receivable AS (
                SELECT job.partner_id, job.period_start, job.period_end,
                       line.id, line.move_id, line.date, line.currency_id, line.amount_currency,
                       COALESCE(line.date_maturity, line.date) AS date_maturity
                  FROM job
                  JOIN res_partner partner ON partner.commercial_partner_id = job.partner_id
                  JOIN account_move_line line ON line.partner_id = partner.id
                  JOIN account_account account ON account.id = line.account_id
                 WHERE account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   AND line.company_id = %(company_id)s
                   AND line.date <= job.period_end
            ),
            reconciled AS (
                SELECT receivable.id, partial.debit_amount_currency AS amount
                  FROM receivable
                  JOIN account_partial_reconcile partial ON partial.debit_move_id = receivable.id
                 WHERE partial.max_date <= receivable.period_end
                 UNION ALL
                SELECT receivable.id, -partial.credit_amount_currency
                  FROM receivable
                  JOIN account_partial_reconcile partial ON partial.credit_move_id = receivable.id
                 WHERE partial.max_date <= receivable.period_end
            ),
            reconciled_total AS (
                SELECT id, SUM(amount) AS amount FROM reconciled GROUP BY id
            ),
            item AS (
                SELECT receivable.*, receivable.amount_currency - COALESCE(reconciled_total.amount, 0) AS open_amount
                  FROM receivable
                  LEFT JOIN reconciled_total ON reconciled_total.id = receivable.id
            )
            """,
            partner_ids=[partner.id for partner in partners],
            starts=[jobs[partner][0] for partner in partners],
            ends=[jobs[partner][1] for partner in partners],
            company_id=self.env.company.id,
        )

    @api.model
    def _ageing_totals(self, jobs, items=None):
        """Opening balance and open amounts per ageing bucket at each job's end date, per
        partner and currency, in one query (also the AR ageing workbook's figures).

        :return: {(partner_id, currency_id): {"opening": float, "buckets": [float, ...]}}
        """
        buckets = self.env.company._get_settlement_ageing_buckets()
        # width_bucket thresholds: 1 day overdue opens bucket 1, each limit + 1 the next one.
        thresholds = [days_from for days_from, _days_to in buckets[1:]]
        self.env.cr.execute(
            SQL(
                """%(items)s
            SELECT item.partner_id, item.currency_id,
                   CASE WHEN item.open_amount = 0 THEN NULL
                        ELSE width_bucket(item.period_end - item.date_maturity, %(thresholds)s::int[]) END,
                   SUM(item.amount_currency) FILTER (WHERE item.date < item.period_start),
                   SUM(item.open_amount)
              FROM item
             GROUP BY 1, 2, 3
            """,
                items=items or self._receivable_items_sql(jobs),
                thresholds=thresholds,
            )
        )
        totals = defaultdict(lambda: {"opening": 0.0, "buckets": [0.0] * len(buckets)})
        for partner_id, currency_id, bucket, opening, open_amount in self.env.cr.fetchall():
            total = totals[partner_id, currency_id]
            total["opening"] += opening or 0.0
            if bucket is not None:
                total["buckets"][bucket] += open_amount
        return totals

    @api.model
    def _ageing_at(self, partners, day):
        """{(partner_id, currency_id): [open amount per ageing bucket]} of what each partner owes
        on ``day`` (the company's buckets), for the AR ageing workbook: one query."""
        totals = self._ageing_totals(dict.fromkeys(partners, (day, day)))
        return {key: figures["buckets"] for key, figures in totals.items()}

    @api.model
    def _compute_figures(self, jobs):
        """Header figures, lines and ageing of the jobs' statements, in two queries.

        :return: {(partner_id, currency_id): {"header": {...}, "lines": [...], "ageing": [...]}}
        """
        if not jobs:
            return {}
        self.env.flush_all()  # raw SQL below: documents posted in this transaction must be seen
        buckets = self.env.company._get_settlement_ageing_buckets()
        items = self._receivable_items_sql(jobs)
        totals = self._ageing_totals(jobs, items)

        self.env.cr.execute(
            SQL(
                """%(items)s
            SELECT item.partner_id, item.currency_id, item.move_id, MIN(item.date), MIN(item.date_maturity),
                   SUM(item.amount_currency), SUM(item.open_amount),
                   move.name, COALESCE(NULLIF(move.ref, ''), move.payment_reference),
                   CASE WHEN move.move_type = 'out_invoice' THEN 'invoice'
                        WHEN move.move_type = 'out_refund' THEN 'refund'
                        WHEN move.origin_payment_id IS NOT NULL OR move.statement_line_id IS NOT NULL THEN 'payment'
                        ELSE 'other' END
              FROM item
              JOIN account_move move ON move.id = item.move_id
             WHERE item.date >= item.period_start
             GROUP BY item.partner_id, item.currency_id, item.move_id, move.id
             ORDER BY item.partner_id, item.currency_id, MIN(item.date), item.move_id
            """,
                items=items,
            )
        )
        movements = defaultdict(list)
        for partner_id, currency_id, *line in self.env.cr.fetchall():
            movements[partner_id, currency_id].append(line)

        figures = {}
        for key in totals.keys() | movements.keys():
            currency = self.env["res.currency"].browse(key[1])
            opening = totals[key]["opening"]
            lines = [
                {
                    "sequence": 0,
                    "line_type": "opening",
                    "date": jobs[self.env["res.partner"].browse(key[0])][0],
                    "amount": 0.0,
                    "open_amount": 0.0,
                    "balance": opening,
                }
            ]
            balance = opening
            for move_id, date, date_due, amount, open_amount, name, ref, line_type in movements[key]:
                balance += amount
                lines.append(
                    {
                        "sequence": len(lines),
                        "line_type": line_type,
                        "move_id": move_id,
                        "name": name,
                        "ref": ref,
                        "date": date,
                        "date_due": date_due,
                        "amount": amount,
                        "open_amount": open_amount,
                        "balance": balance,
                    }
                )
            if len(lines) == 1 and currency.is_zero(opening):
                continue  # nothing to say to this customer in this currency
            ageing = totals[key]["buckets"]
            debit = sum(line["amount"] for line in lines if line["amount"] > 0)
            credit = -sum(line["amount"] for line in lines if line["amount"] < 0)
            figures[key] = {
                "header": {
                    "opening_balance": opening,
                    "period_debit": debit,
                    "period_credit": credit,
                    "closing_balance": opening + debit - credit,
                    "amount_not_due": ageing[0],
                    "amount_overdue": sum(ageing[1:]),
                },
                "closing": opening + debit - credit,
                "opening": opening,
                "lines": lines,
                "ageing": [
                    {"sequence": index, "days_from": days_from, "days_to": days_to, "amount": amount}
                    for index, ((days_from, days_to), amount) in enumerate(zip(buckets, ageing, strict=True))
                ],
            }
        return figures

    @api.model
    def _open_amounts(self, statements):
        """{statement id: what is still unpaid today of the documents it lists}, in one query.

        The documents are the period's invoices, credit notes and payments: what is left of
        each receivable line today (amount_residual_currency) is summed, so a credit note or
        a payment not matched yet lowers the amount as much as a matched one. The sum is
        capped at what the customer owes today in the statement currency: a later payment
        not matched to these invoices yet still counts as paying them.
        """
        if not statements:
            return {}
        self.env.flush_all()  # raw SQL below: payments made in this transaction must be seen
        self.env.cr.execute(
            SQL(
                """
            WITH statement AS (
                SELECT id, company_id, partner_id, currency_id
                  FROM monthly_settlement_statement
                 WHERE id = ANY(%(ids)s)
            ),
            receivable AS (
                SELECT line.move_id, line.company_id, partner.commercial_partner_id AS partner_id,
                       line.currency_id, line.amount_residual_currency AS amount
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   AND line.reconciled IS NOT TRUE
                   -- by customer only: company and currency are matched below (filtering on all
                   -- three here made PostgreSQL pair every line with every statement first)
                   AND partner.commercial_partner_id IN (SELECT partner_id FROM statement)
            ),
            listed AS (
                SELECT statement.id, SUM(receivable.amount) AS amount
                  FROM statement
                  JOIN monthly_settlement_statement_line statement_line ON statement_line.statement_id = statement.id
                  JOIN receivable ON receivable.move_id = statement_line.move_id
                                 AND receivable.company_id = statement.company_id
                                 AND receivable.partner_id = statement.partner_id
                                 AND receivable.currency_id = statement.currency_id
                 GROUP BY statement.id
            ),
            owed AS (
                SELECT company_id, partner_id, currency_id, SUM(amount) AS amount
                  FROM receivable
                 GROUP BY company_id, partner_id, currency_id
            )
            SELECT statement.id, LEAST(COALESCE(listed.amount, 0), COALESCE(owed.amount, 0))
              FROM statement
              LEFT JOIN listed ON listed.id = statement.id
              LEFT JOIN owed ON (owed.company_id, owed.partner_id, owed.currency_id)
                              = (statement.company_id, statement.partner_id, statement.currency_id)
            """,
                ids=statements.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _consistency_problems(self, statements):
        """What makes statements of one statement date unfit to submit: figures that do not add
        up, books that changed since generation, documents of the period not posted yet.

        :return: [message]
        """
        figures = self._compute_figures(self._jobs_of_statements(statements))
        problems = []
        for statement in statements:
            current = figures.get((statement.partner_id.id, statement.currency_id.id), {})
            problems += self._statement_problems(statement, current)
        return problems

    @api.model
    def _statement_problems(self, statement, current):
        currency = statement.currency_id
        label = statement.display_name + " — " + statement.partner_id.display_name
        problems = []
        if currency.compare_amounts(
            statement.opening_balance + statement.period_debit - statement.period_credit, statement.closing_balance
        ):
            problems.append(self.env._("%(statement)s: closing ≠ opening + debits − credits.", statement=label))
        if currency.compare_amounts(
            sum(statement.line_ids.mapped("amount")), statement.period_debit - statement.period_credit
        ):
            problems.append(
                self.env._("%(statement)s: the lines do not add up to the period's movements.", statement=label)
            )
        if currency.compare_amounts(current.get("closing", 0.0), statement.closing_balance) or currency.compare_amounts(
            current.get("opening", 0.0), statement.opening_balance
        ):
            problems.append(
                self.env._(
                    "%(statement)s: the customer's receivable balance at the statement date is now "
                    "%(balance)s, not %(closing)s; regenerate the statement.",
                    statement=label,
                    balance=currency.format(current.get("closing", 0.0)),
                    closing=currency.format(statement.closing_balance),
                )
            )
        period = [("date", ">=", statement.period_start), ("date", "<=", statement.period_end)]
        partner = [("partner_id", "child_of", statement.partner_id.id), ("company_id", "=", statement.company_id.id)]
        draft_invoices = self.env["account.move"].search_count(
            partner + period + [("state", "=", "draft"), ("move_type", "in", ("out_invoice", "out_refund"))]
        )
        if draft_invoices:
            problems.append(
                self.env._(
                    "%(statement)s: %(count)s draft invoices or credit notes are dated in the period; "
                    "post or delete them first.",
                    statement=label,
                    count=draft_invoices,
                )
            )
        draft_payments = self.env["account.payment"].search_count(
            partner + period + [("state", "=", "draft"), ("partner_type", "=", "customer")]
        )
        if draft_payments:
            problems.append(
                self.env._(
                    "%(statement)s: %(count)s customer payments of the period are not confirmed yet.",
                    statement=label,
                    count=draft_payments,
                )
            )
        return problems

    # ------------------------------------------------------------------
    # Storage
    # ------------------------------------------------------------------

    @api.model
    def _store_details(self, statements, figures):
        """Insert the lines and ageing rows of the statements: two INSERTs in all."""
        line_model = self.env["monthly.settlement.statement.line"]
        ageing_model = self.env["monthly.settlement.statement.ageing"]
        line_rows, ageing_rows = [], []
        for statement in statements:
            values = figures.get((statement.partner_id.id, statement.currency_id.id))
            if not values:
                continue
            for line in values["lines"]:
                line_rows.append(dict(line, statement_id=statement.id))
            for bucket in values["ageing"]:
                ageing_rows.append(dict(bucket, statement_id=statement.id))
        self._insert_rows(line_model, line_rows)
        self._insert_rows(ageing_model, ageing_rows)
        self._store_product_lines(statements.filtered(lambda statement: statement.detail_level == "products"))
        line_model.invalidate_model()
        ageing_model.invalidate_model()
        statements.invalidate_recordset(["line_ids", "ageing_ids", "detail_ids"])

    @api.model
    def _store_product_lines(self, statements):
        """Copy the product lines of the statements' invoices and credit notes under them: one
        INSERT ... SELECT. Tax names in the statement's language, amounts tax included and
        signed as the document."""
        if not statements:
            return
        self.env["monthly.settlement.statement.detail"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO monthly_settlement_statement_detail
                       (statement_id, line_id, sequence, product_id, name, quantity, uom_id, price_unit,
                        discount, tax_label, amount, create_uid, create_date, write_uid, write_date)
                SELECT line.statement_id, line.id, aml.sequence, aml.product_id, aml.name, aml.quantity,
                       aml.product_uom_id, aml.price_unit, aml.discount,
                       (SELECT string_agg(COALESCE(tax.name->>lang.code, tax.name->>'en_US'), ', '
                                          ORDER BY tax.sequence, tax.id)
                          FROM account_move_line_account_tax_rel rel
                          JOIN account_tax tax ON tax.id = rel.account_tax_id
                         WHERE rel.account_move_line_id = aml.id),
                       CASE WHEN move.move_type = 'out_refund' THEN -aml.price_total
                            ELSE aml.price_total END,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM monthly_settlement_statement_line line
                  JOIN monthly_settlement_statement statement ON statement.id = line.statement_id
                  JOIN res_partner partner ON partner.id = statement.partner_id
                  CROSS JOIN LATERAL (SELECT COALESCE(partner.settlement_lang, partner.lang, 'en_US') AS code) lang
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_move_line aml ON aml.move_id = move.id AND aml.display_type = 'product'
                 WHERE line.statement_id = ANY(%(ids)s) AND line.line_type IN ('invoice', 'refund')
                """,
                ids=statements.ids,
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )

    @api.model
    def _insert_rows(self, model, rows):
        """One INSERT for many rows of ``model``, sent as one JSON document (PostgreSQL reads
        it many times faster than the same values as arrays of literals in the query text)."""
        if not rows:
            return
        names = sorted({name for row in rows for name in row})
        types = {name: model._fields[name].column_type[0] for name in names}
        # False is the ORM's "empty": NULL, except in boolean columns.
        document = json.dumps(
            [
                {name: None if value is False and types[name] != "bool" else value for name, value in row.items()}
                for row in rows
            ],
            default=str,  # dates and datetimes as PostgreSQL reads them
        )
        now = self.env.cr.now()
        self.env.cr.execute(
            SQL(
                "INSERT INTO %(table)s (%(columns)s, create_uid, create_date, write_uid, write_date) "
                "SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s "
                "FROM json_to_recordset(%(rows)s) AS row(%(types)s)",
                table=SQL.identifier(model._table),
                columns=SQL(", ").join(SQL.identifier(name) for name in names),
                rows=document,
                types=SQL(", ").join(SQL("%s %s", SQL.identifier(name), SQL(types[name])) for name in names),
                uid=self.env.uid,
                now=now,
            )
        )
