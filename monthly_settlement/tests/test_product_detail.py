"""Statements with product lines: for customers who ask for the detail, each invoice and credit
note on the statement lists its products (quantity, unit, unit price, discount, taxes, amount),
frozen with the statement; other customers' statements have none."""

from odoo.tests import tagged

from .common import MonthlySettlementCommon


@tagged("post_install", "-at_install")
class TestProductDetail(MonthlySettlementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_25.settlement_detail_level = "products"
        cls.box = cls.env.ref("uom.product_uom_dozen")

    def test_product_lines_under_each_document(self):
        unit = self.env.ref("uom.product_uom_unit")
        invoice = self._invoice_with_products(
            self.customer_25,
            "2026-11-03",
            [(self.product_a, 12, unit, 100.0, 0.0), (self.product_b, 2.5, self.box, 40.0, 10.0)],
        )
        refund = self._invoice_with_products(
            self.customer_25, "2026-11-10", [(self.product_a, 1, unit, 100.0, 0.0)], move_type="out_refund"
        )
        self._pay(invoice, "2026-11-20", 500)
        other_invoice = self._invoice_with_products(
            self.customer_month_end, "2026-11-03", [(self.product_a, 1, unit, 100.0, 0.0)]
        )
        statement = self._generate(self.customer_25, self.d("2026-11-25"))
        other = self._generate(self.customer_month_end, self.d("2026-11-30"))

        self.assertEqual(statement.detail_level, "products")
        by_document = {}
        for detail in statement.detail_ids:
            by_document.setdefault(detail.line_id.move_id, []).append(
                (
                    detail.product_id,
                    detail.quantity,
                    detail.uom_id,
                    detail.price_unit,
                    detail.discount,
                    detail.tax_label,
                    detail.amount,
                )
            )
        self.assertEqual(
            by_document,
            {
                invoice: [
                    (self.product_a, 12, unit, 100.0, 0.0, "增值税 13%", round(12 * 100 * 1.13, 2)),
                    (self.product_b, 2.5, self.box, 40.0, 10.0, "增值税 13%", round(2.5 * 40 * 0.9 * 1.13, 2)),
                ],
                refund: [(self.product_a, 1, unit, 100.0, 0.0, "增值税 13%", -113.0)],
            },
            "products of invoices and credit notes, not of payments",
        )
        for line in statement.line_ids.filtered(lambda line: line.line_type in ("invoice", "refund")):
            details = statement.detail_ids.filtered(lambda detail, line=line: detail.line_id == line)
            self.assertAlmostEqual(sum(details.mapped("amount")), line.amount, 2, "the products add up to the document")
        self.assertEqual(other.detail_level, "documents")
        self.assertFalse(other.detail_ids, "documents only for the other customer")
        self.assertTrue(other_invoice)

        # Regenerating a draft keeps the detail, once.
        statement.action_regenerate()
        self.assertEqual(len(statement.detail_ids), 3)
