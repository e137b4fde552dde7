"""Two delivery statement runs at once, each in its own transaction, as on a real server (the nightly
job on two workers, a user while the job runs): both finish without a database error, and no
delivered line is on two open delivery statements.

The fixture is committed (the other connection must see it) and deleted at the end.
"""
# pylint: disable=invalid-commit

from datetime import date, datetime

from odoo import Command, api
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.committed_fixture import CommittedFixtureCase

STATEMENT = "monthly.settlement.statement"
CUSTOMERS = 4


@tagged("post_install", "-at_install")
class TestDeliveryConcurrentGeneration(CommittedFixtureCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tag = cls.tag
        with cls.registry.cursor() as cr:
            env = cls._main_company_env(cr)
            company = env.company
            product = env["product.product"].create(
                {"name": f"并发送货 {tag}", "type": "service", "invoice_policy": "delivery", "taxes_id": []}
            )
            partners = env["res.partner"].create(
                [
                    cls._monthly_customer_values(
                        f"先对账客户 {tag} {index}", company, settlement_mode="monthly_statement_first"
                    )
                    for index in range(CUSTOMERS)
                ]
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "commitment_date": datetime(2026, 11, 10, 2),
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_uom_qty": 5, "price_unit": 10 * (index + 1)}
                            )
                        ],
                    }
                    for index, partner in enumerate(partners)
                ]
            )
            orders.action_confirm()
            orders.order_line.qty_delivered = 5
            cls.company_id, cls.partner_ids, cls.product_id = company.id, partners.ids, product.id
            cls.sale_line_ids = orders.order_line.ids
        cls.addClassCleanup(cls._delete_fixture)

    @classmethod
    def _delete_fixture(cls):
        with cls.registry.cursor() as cr:
            cls._delete_statements_of(cr, cls.partner_ids)
            cr.execute("DELETE FROM sale_order WHERE partner_id = ANY(%s)", [cls.partner_ids])  # lines cascade
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["res.partner"].browse(cls.partner_ids).unlink()
            env["product.product"].browse(cls.product_id).unlink()

    def tearDown(self):
        with self.registry.cursor() as cr:
            self._delete_statements_of(cr, self.partner_ids)
        super().tearDown()

    def _generate(self, cr, date_to):
        env = api.Environment(cr, api.SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
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
