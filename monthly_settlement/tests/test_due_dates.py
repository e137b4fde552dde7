from odoo.tests import tagged

from .common import MonthlySettlementCommon


@tagged("post_install", "-at_install")
class TestDueDates(MonthlySettlementCommon):
    """A monthly customer's invoice falls due by its settlement period, not its payment term."""

    def assertDue(self, invoice, period_start, period_end, due):
        receivable = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(invoice.settlement_period_start, self.d(period_start))
        self.assertEqual(invoice.settlement_period_end, self.d(period_end))
        self.assertEqual(invoice.invoice_date_due, self.d(due))
        self.assertEqual(len(receivable), 1)
        self.assertEqual(receivable.date_maturity, self.d(due))

    def test_cutoff_25_sixty_days(self):
        before_cutoff = self._invoice(self.customer_25, "2026-10-24", 1000)
        self.assertDue(before_cutoff, "2026-09-26", "2026-10-25", "2026-12-24")
        after_cutoff = self._invoice(self.customer_25, "2026-10-26", 1000)
        self.assertDue(after_cutoff, "2026-10-26", "2026-11-25", "2027-01-24")

    def test_month_end_across_february(self):
        leap = self._invoice(self.customer_month_end, "2028-02-15", 500)
        self.assertDue(leap, "2028-02-01", "2028-02-29", "2028-03-30")
        common = self._invoice(self.customer_month_end, "2027-02-28", 500)
        self.assertDue(common, "2027-02-01", "2027-02-28", "2027-03-30")

    def test_quarterly(self):
        quarterly = self._create_monthly_customer(
            "季度结算客户", cutoff_day=25, payment_days=30, settlement_cycle="quarterly"
        )
        invoice = self._invoice(quarterly, "2026-11-10", 800)
        self.assertDue(invoice, "2026-09-26", "2026-12-25", "2027-01-24")

    def test_days_after_end_of_statement_month(self):
        customer = self._create_monthly_customer(
            "月底起算客户", cutoff_day=25, payment_days=30, settlement_payment_base="statement_month_end"
        )
        invoice = self._invoice(customer, "2026-10-24", 800)
        # statement date 2026-10-25, end of that month 2026-10-31, + 30 days
        self.assertDue(invoice, "2026-09-26", "2026-10-25", "2026-11-30")

    def test_payment_term_is_overridden_and_contacts_count(self):
        contact = self.env["res.partner"].create({"name": "采购 王先生", "parent_id": self.customer_25.id})
        invoice = self._invoice(contact, "2026-10-24", 1000, post=False)
        invoice.invoice_payment_term_id = self.pay_terms_b
        invoice.action_post()
        self.assertDue(invoice, "2026-09-26", "2026-10-25", "2026-12-24")

    def test_credit_note_follows_the_period(self):
        refund = self._refund(self.customer_25, "2026-10-26", 100)
        self.assertDue(refund, "2026-10-26", "2026-11-25", "2027-01-24")

    def test_per_invoice_customer_keeps_payment_terms(self):
        invoice = self._invoice(self.customer_per_invoice, "2026-10-24", 1000, post=False)
        invoice.invoice_payment_term_id = self.env.ref("account.account_payment_term_30days")
        invoice.action_post()
        self.assertFalse(invoice.settlement_period_end)
        self.assertEqual(invoice.invoice_date_due, self.d("2026-11-23"))

    def test_changed_terms_leave_posted_invoices_alone(self):
        invoice = self._invoice(self.customer_25, "2026-10-24", 1000)
        self.customer_25.settlement_payment_days = 90
        self.customer_25.settlement_cutoff_day = 10
        self.env.flush_all()
        self.assertDue(invoice, "2026-09-26", "2026-10-25", "2026-12-24")
        later = self._invoice(self.customer_25, "2026-10-24", 1000)
        # new terms: cut-off 10th, so 2026-10-11..2026-11-10, due 90 days later
        self.assertDue(later, "2026-10-11", "2026-11-10", "2027-02-08")
