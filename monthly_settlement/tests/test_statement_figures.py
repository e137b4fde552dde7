from odoo import Command
from odoo.tests import tagged

from .common import MonthlySettlementCommon


@tagged("post_install", "-at_install")
class TestStatementFigures(MonthlySettlementCommon):
    """Balances, lines and ageing of one statement against figures worked out by hand.

    Customer with cut-off 25th and 60 days; statement period 2026-09-26..2026-10-25.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = cls.customer_25
        # Before the period: due 2026-11-24 (A, B), 2026-09-23 (I), 2026-08-24 (G), 2026-06-24 (H).
        cls.inv_h = cls._invoice(customer, "2026-04-10", 900)
        cls.inv_g = cls._invoice(customer, "2026-06-15", 700)
        cls.inv_i = cls._invoice(customer, "2026-07-20", 400)
        cls.inv_a = cls._invoice(customer, "2026-09-10", 1000)
        cls._pay(cls.inv_a, "2026-09-20", 400)
        cls.inv_b = cls._invoice(customer, "2026-09-25", 500)
        # In the period.
        cls.inv_c = cls._invoice(customer, "2026-10-01", 2000, ref="PO-8801")
        cls.refund_e = cls._refund(customer, "2026-10-05", 300)
        cls.payment_f = cls._payment(customer, "2026-10-10", 1500)
        cls.inv_d = cls._invoice(customer, "2026-10-20", 3000)
        cls.payment_d = cls._pay(cls.inv_d, "2026-10-22", 1000)
        # After the statement date: pays B in full, must not touch this statement.
        cls._pay(cls.inv_b, "2026-10-30", 500)
        cls._invoice(customer, "2026-10-28", 9999)

    def _receivable_balance(self, partner, on_date, currency):
        """The customer's ledger balance, read independently of the statement engine."""
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", on_date),
                ("currency_id", "=", currency.id),
            ]
        )
        return sum(lines.mapped("amount_currency"))

    def test_balances(self):
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        self.assertRecordValues(
            statement,
            [
                {
                    "partner_id": self.customer_25.id,
                    "currency_id": self.cny.id,
                    "period_start": self.d("2026-09-26"),
                    "period_end": self.d("2026-10-25"),
                    "date_due": self.d("2026-12-24"),
                    "opening_balance": 900 + 700 + 400 + 1000 - 400 + 500,
                    "period_debit": 2000 + 3000,
                    "period_credit": 300 + 1500 + 1000,
                    "closing_balance": 3100 + 5000 - 2800,
                    "state": "draft",
                }
            ],
        )
        self.assertAlmostEqual(
            statement.closing_balance, self._receivable_balance(self.customer_25, "2026-10-25", self.cny)
        )

    def test_lines_and_open_amounts(self):
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        self.assertRecordValues(
            statement.line_ids,
            [
                {"line_type": "opening", "move_id": False, "debit": 0, "credit": 0, "balance": 3100, "open_amount": 0},
                {
                    "line_type": "invoice",
                    "move_id": self.inv_c.id,
                    "debit": 2000,
                    "credit": 0,
                    "balance": 5100,
                    "open_amount": 2000,
                },
                {
                    "line_type": "refund",
                    "move_id": self.refund_e.id,
                    "debit": 0,
                    "credit": 300,
                    "balance": 4800,
                    "open_amount": -300,
                },
                {
                    "line_type": "payment",
                    "move_id": self.payment_f.move_id.id,
                    "debit": 0,
                    "credit": 1500,
                    "balance": 3300,
                    "open_amount": -1500,
                },
                {
                    "line_type": "invoice",
                    "move_id": self.inv_d.id,
                    "debit": 3000,
                    "credit": 0,
                    "balance": 6300,
                    "open_amount": 2000,
                },
                {
                    "line_type": "payment",
                    "move_id": self.payment_d.move_id.id,
                    "debit": 0,
                    "credit": 1000,
                    "balance": 5300,
                    "open_amount": 0,
                },
            ],
        )
        invoice_c = statement.line_ids[1]
        self.assertEqual(
            (invoice_c.name, invoice_c.ref, invoice_c.date_due), (self.inv_c.name, "PO-8801", self.d("2026-12-24"))
        )

    def test_ageing_at_statement_date(self):
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        # Open on 2026-10-25: A 600 and B 500 (B is paid only on 10-30), C 2000, D 2000, E -300
        # are not due; F -1500 matured on 10-10 (15 days); I 32, G 62, H 123 days overdue.
        self.assertRecordValues(
            statement.ageing_ids,
            [
                {"days_from": 0, "days_to": 0, "amount": 600 + 500 + 2000 + 2000 - 300},
                {"days_from": 1, "days_to": 30, "amount": -1500},
                {"days_from": 31, "days_to": 60, "amount": 400},
                {"days_from": 61, "days_to": 90, "amount": 700},
                {"days_from": 91, "days_to": 0, "amount": 900},
            ],
        )
        self.assertEqual(
            statement.ageing_ids.mapped("name"), ["Not due", "1-30 days", "31-60 days", "61-90 days", "Over 90 days"]
        )
        self.assertAlmostEqual(sum(statement.ageing_ids.mapped("amount")), statement.closing_balance)
        self.assertAlmostEqual(statement.amount_not_due, 4800)
        self.assertAlmostEqual(statement.amount_overdue, -1500 + 400 + 700 + 900)

    def test_company_ageing_buckets(self):
        self.env.company.settlement_ageing_days = "60,120"
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        self.assertRecordValues(
            statement.ageing_ids,
            [
                {"days_from": 0, "days_to": 0, "amount": 4800},
                {"days_from": 1, "days_to": 60, "amount": -1500 + 400},
                {"days_from": 61, "days_to": 120, "amount": 700},
                {"days_from": 121, "days_to": 0, "amount": 900},
            ],
        )

    def test_next_period_sees_the_later_payment(self):
        statement = self._generate(self.customer_25, self.d("2026-11-25"))
        self.assertEqual(statement.period_start, self.d("2026-10-26"))
        self.assertAlmostEqual(statement.opening_balance, 5300)
        self.assertAlmostEqual(statement.period_debit, 9999)
        self.assertAlmostEqual(statement.period_credit, 500)
        self.assertAlmostEqual(statement.closing_balance, 5300 + 9999 - 500)
        self.assertAlmostEqual(
            statement.closing_balance, self._receivable_balance(self.customer_25, "2026-11-25", self.cny)
        )


@tagged("post_install", "-at_install")
class TestStatementCurrencies(MonthlySettlementCommon):
    def test_one_statement_per_currency(self):
        customer = self._create_monthly_customer("美国进口商 Pacific Imports", cutoff_month_end=True, payment_days=30)
        usd_invoice = self._invoice(customer, "2026-10-05", 1000, currency=self.usd)
        self._pay(usd_invoice, "2026-10-15", 400)
        self._invoice(customer, "2026-10-08", 500)
        statements = self._generate(customer, self.d("2026-11-01"))
        usd = statements.filtered(lambda statement: statement.currency_id == self.usd)
        cny = statements - usd
        self.assertRecordValues(
            usd,
            [
                {
                    "period_start": self.d("2026-10-01"),
                    "period_end": self.d("2026-10-31"),
                    "date_due": self.d("2026-11-30"),
                    "opening_balance": 0,
                    "period_debit": 1000,
                    "period_credit": 400,
                    "closing_balance": 600,
                }
            ],
        )
        self.assertRecordValues(usd.ageing_ids[:1], [{"amount": 600}])
        self.assertRecordValues(cny, [{"currency_id": self.cny.id, "closing_balance": 500}])

    def test_documents_posted_in_the_same_transaction(self):
        """Generation reads with SQL: what the ORM has not written yet must still count."""
        customer = self._create_monthly_customer("当日过账客户", cutoff_day=25)
        invoice = self._invoice(customer, "2026-10-05", 700, post=False)
        invoice.action_post()
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": customer.id,
                "invoice_date": "2026-10-06",
                "invoice_line_ids": [Command.create({"name": "折让", "price_unit": 100, "tax_ids": []})],
            }
        )
        refund.action_post()
        statement = self._generate(customer, self.d("2026-11-24"))
        self.assertRecordValues(statement, [{"period_debit": 700, "period_credit": 100, "closing_balance": 600}])

    def test_no_statement_without_activity(self):
        customer = self._create_monthly_customer("沉默客户", cutoff_day=25)
        self.assertFalse(self._generate(customer, self.d("2026-11-24")))

    def test_balance_only_statement(self):
        customer = self._create_monthly_customer("欠款客户", cutoff_day=25)
        self._invoice(customer, "2026-08-01", 1200)
        statement = self._generate(customer, self.d("2026-11-24"))
        self.assertRecordValues(statement, [{"opening_balance": 1200, "closing_balance": 1200, "period_debit": 0}])
        self.assertEqual(statement.line_ids.mapped("line_type"), ["opening"])
