from datetime import date

from odoo import Command
from odoo.tests import new_test_user
from odoo.tests.common import freeze_time

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# The suite's "today": tests never depend on the day they run. The clock ticks from there, so
# that HTTP sessions and browser tours behave as in real time. Tests about other days freeze
# their own.
TEST_NOW = "2026-12-02 09:00:00"


@freeze_time(TEST_NOW, tick=True)
class MonthlySettlementCommon(AccountTestInvoicingCommon):
    """A CNY company with monthly customers, and a helper per accounting document.

    Amounts are chosen tax-free so that every expected figure can be written down by hand.
    As in real databases, users belong to different sets of companies: settlement users
    (salespeople) work in the statements' company only, everyone else also in two sister
    companies (see `_create_settlement_user`).
    """

    @classmethod
    def setup_independent_company(cls, **kwargs):
        return super().setup_independent_company(currency_id=cls._enable_currency("CNY").id, **kwargs)

    @classmethod
    def default_env_context(cls):
        return {}  # mail, tracking and activities on, as users have them

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("monthly_settlement.group_settlement_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env.company.email = "ar@seller.example.com"
        cls.cny = cls.env.company.currency_id
        cls.usd = cls.setup_other_currency("USD", rates=[("2020-01-01", 0.14)])
        cls.customer_25 = cls._create_monthly_customer("华东贸易有限公司", cutoff_day=25, payment_days=60)
        cls.customer_month_end = cls._create_monthly_customer(
            "北方机械有限公司", cutoff_month_end=True, payment_days=30
        )
        cls.customer_per_invoice = cls.env["res.partner"].create({"name": "零售客户", "is_company": True})
        # Sister companies without accounting: the people working in several companies belong
        # to them, so reading a colleague's companies as a salesperson fails as in real life.
        cls.sister_companies = cls.env["res.company"].create(
            [{"name": "明远国际（香港）有限公司"}, {"name": "明远贸易（深圳）有限公司"}]
        )

    @classmethod
    def _create_monthly_customer(cls, name, cutoff_day=0, cutoff_month_end=False, payment_days=30, **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "settlement_mode": "monthly",
                "settlement_cycle": "monthly",
                "settlement_cutoff_day": cutoff_day,
                "settlement_cutoff_month_end": cutoff_month_end,
                "settlement_payment_days": payment_days,
                "settlement_payment_base": "statement_date",
                **values,
            }
        )

    @classmethod
    def _create_settlement_user(cls, login, group_xmlid, company=None, lang="zh_CN"):
        """A user of ``group_xmlid`` (password = login), in the statements' company and, unless
        a salesperson (the settlement User group), also in the sister companies. ``company``
        puts the user in that company only."""
        if company:
            companies = company
        elif group_xmlid == "monthly_settlement.group_settlement_user":
            companies = company = cls.env.company
        else:
            company = cls.env.company
            companies = company | cls.sister_companies
        return new_test_user(
            cls.env,
            login=login,
            groups=f"{group_xmlid},account.group_account_invoice,base.group_partner_manager",
            company_id=company.id,
            company_ids=[Command.set(companies.ids)],
            lang=lang,
        )

    @classmethod
    def _create_portal_user(cls, login, contact, **values):
        """A portal user (password = login) for a customer's ``contact``, keeping the contact's name
        and email, in the statements' company."""
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=contact.id,
            name=contact.name,
            email=contact.email,
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
            **values,
        )

    @classmethod
    def _invoice(cls, partner, invoice_date, amount, currency=None, move_type="out_invoice", post=True, ref=None):
        return cls._create_invoice_one_line(
            price_unit=amount,
            tax_ids=cls.env["account.tax"],
            partner_id=partner,
            invoice_date=invoice_date,
            currency_id=currency or cls.cny,
            move_type=move_type,
            ref=ref,
            post=post,
        )

    @classmethod
    def _invoice_with_products(cls, partner, day, lines, move_type="out_invoice"):
        """A posted invoice (or credit note) of product ``lines``: (product, quantity, unit, unit
        price, discount %), each with 13% VAT (增值税 13%)."""
        vat = {"name": "增值税 13%", "amount": 13, "type_tax_use": "sale", "company_id": cls.env.company.id}
        vat_13 = cls.env["account.tax"].search([(name, "=", value) for name, value in vat.items()], limit=1)
        vat_13 = vat_13 or cls.env["account.tax"].create(vat)
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "product_uom_id": unit.id,
                            "price_unit": price,
                            "discount": discount,
                            "tax_ids": [Command.set(vat_13.ids)],
                        }
                    )
                    for product, quantity, unit, price, discount in lines
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _refund(cls, partner, invoice_date, amount, currency=None):
        return cls._invoice(partner, invoice_date, amount, currency=currency, move_type="out_refund")

    @classmethod
    def _payment(cls, partner, payment_date, amount, currency=None):
        """A posted customer payment, not reconciled with anything yet."""
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": payment_date,
                "currency_id": (currency or cls.cny).id,
                "journal_id": cls.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        return payment

    @classmethod
    def _reconcile(cls, invoice, payment):
        lines = (invoice.line_ids | payment.move_id.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        lines.reconcile()

    @classmethod
    def _pay(cls, invoice, payment_date, amount):
        """Register a (partial) payment of an invoice, reconciled at once."""
        return cls._register_payment(invoice, payment_date=payment_date, amount=amount)

    def _generate(self, partners, date_to, **kwargs):
        statements, left = self.env["monthly.settlement.statement"]._generate_statements(partners, date_to, **kwargs)
        self.assertFalse(left, "no other run holds these partners")
        return statements

    @staticmethod
    def d(text):
        return date.fromisoformat(text)
