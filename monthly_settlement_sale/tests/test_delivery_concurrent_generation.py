"""Two delivery statement runs at once, each in its own transaction, as on a real server (the nightly
job on two workers, a user while the job runs): both finish without a database error, and no
delivered line is on two open delivery statements.

The fixture is committed (the other connection must see it) and deleted at the end.
"""
# pylint: disable=invalid-commit

from datetime import date, datetime

from odoo import Command
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.test_concurrent_generation import CommittedFixtureCase

STATEMENT = "monthly.settlement.statement"
CUSTOMERS = 4


@tagged("post_install", "-at_install")
class TestDeliveryConcurrentGeneration(CommittedFixtureCase):
    @classmethod
    def _create_fixture(cls, env, tag):
        product = env["product.product"].create(
            {"name": f"并发送货 {tag}", "type": "consu", "invoice_policy": "delivery", "taxes_id": []}
        )
        partners = env["res.partner"].create(
            [
                {
                    "name": f"先对账客户 {tag} {index}",
                    "is_company": True,
                    "company_id": env.company.id,
                    "settlement_mode": "monthly_statement_first",
                    "settlement_cycle": "monthly",
                    "settlement_cutoff_day": 25,
                }
                for index in range(CUSTOMERS)
            ]
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "commitment_date": datetime(2026, 11, 10, 2),
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 5, "price_unit": 10 * (index + 1)})
                    ],
                }
                for index, partner in enumerate(partners)
            ]
        )
        orders.action_confirm()
        orders.order_line.qty_delivered = 5
        cls.partner_ids, cls.product_id, cls.sale_line_ids = partners.ids, product.id, orders.order_line.ids

    @classmethod
    def _delete_fixture(cls, env):
        env.cr.execute("DELETE FROM sale_order WHERE partner_id = ANY(%s)", [cls.partner_ids])  # lines cascade
        env["res.partner"].browse(cls.partner_ids).unlink()
        env["product.product"].browse(cls.product_id).unlink()

    def _generate(self, cr, date_to):
        env = self._env(cr)
        return env[STATEMENT]._generate_delivery_statements(env["res.partner"].browse(self.partner_ids), date_to)

    def _holds(self):
        """{sale order line: number of open delivery statements listing it}."""
        with self.registry.cursor() as cr:
            cr.execute(
                """
                SELECT detail.sale_line_id, COUNT(*)
                  FROM monthly_settlement_statement_detail detail
                  JOIN monthly_settlement_statement statement ON statement.id = detail.statement_id
                 WHERE detail.sale_line_id = ANY(%s) AND statement.state NOT IN ('confirmed', 'deemed', 'cancel')
                 GROUP BY 1
                """,
                [self.sale_line_ids],
            )
            return dict(cr.fetchall())

    def test_two_runs_of_the_same_period(self):
        """The second run's snapshot predates the first's commit: it finds the customers done."""
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            cr_second.execute("SELECT 1")  # the second transaction's snapshot is taken here
            created, left = self._generate(cr_first, date(2026, 11, 30))
            self.assertEqual((len(created), len(left)), (CUSTOMERS, 0))
            cr_first.commit()
            created, left = self._generate(cr_second, date(2026, 11, 30))
            self.assertEqual((len(created), len(left)), (0, CUSTOMERS), "nothing made twice, left to the first")
            cr_second.commit()
        self.assertEqual(self._holds(), dict.fromkeys(self.sale_line_ids, 1))

    def test_two_runs_of_different_periods(self):
        """A run of the next period started before this period's run committed: it cannot see the
        lines the other took, yet must not list them a second time."""
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            cr_second.execute("SELECT 1")
            created, left = self._generate(cr_first, date(2026, 11, 30))
            self.assertEqual((len(created), len(left)), (CUSTOMERS, 0))
            cr_first.commit()
            created, left = self._generate(cr_second, date(2026, 12, 26))
            self.assertEqual((len(created), len(left)), (0, CUSTOMERS), "the lines are held by the first run's")
            cr_second.commit()
        self.assertEqual(self._holds(), dict.fromkeys(self.sale_line_ids, 1))
