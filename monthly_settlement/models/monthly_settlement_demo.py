import logging
import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

_logger = logging.getLogger(__name__)

# (customer xmlid, monthly invoice amounts in the invoice currency)
DEMO_CUSTOMERS = [
    ("demo_customer_huadong", (12800, 36500, 8640, 21900)),
    ("demo_customer_hengda", (45600, 23000, 18750)),
    ("demo_customer_nanfang", (6800, 9250, 15300, 4120)),
    ("demo_customer_chuangxin", (27400, 31800)),
    ("demo_customer_xihu", (5600, 7300, 4980)),
    ("demo_customer_tianfu", (88000, 64500)),
    ("demo_customer_suzhou", (13300, 9900, 17600)),
    ("demo_customer_huanqiu", (4200, 6800, 3150)),
    ("demo_customer_changjiang", (3800, 2950, 4400)),
]
# Days of reminder history the demo replays (the overdue step is a week after the due date).
DEMO_REMINDER_DAYS = 40
DEMO_PRODUCTS = [("工业控制板卡", 1280.0), ("传感器模组", 356.0), ("技术服务费", 800.0)]


class MonthlySettlementDemo(models.AbstractModel):
    """Builds the demo's accounting history through the real flows (demo data only)."""

    _name = "monthly.settlement.demo"
    _description = "Monthly Settlement Demo Data"

    @api.model
    def _demo_get_company(self):
        # Odoo's demo gives the main company a generic chart in USD; l10n_cn's demo company
        # has the Chinese chart of accounts and CNY.
        return self.env.ref("base.demo_company_cn", raise_if_not_found=False) or self.env.ref("base.main_company")

    @api.model
    def _install_demo_data(self):
        company = self._demo_get_company()
        self = self.with_company(company)
        if not self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)]):
            _logger.warning("Monthly settlement demo: the company has no chart of accounts, no documents created.")
            return
        self._demo_company(company)
        today = fields.Date.context_today(self)
        usd = self._demo_enable_usd(company, today)
        products = self.env["product.product"].create(
            [{"name": name, "list_price": price, "type": "service"} for name, price in DEMO_PRODUCTS]
        )
        rng = random.Random(19)
        for xmlid, amounts in DEMO_CUSTOMERS:
            customer = self.env.ref(f"monthly_settlement.{xmlid}")
            currency = usd if xmlid == "demo_customer_huanqiu" else company.currency_id
            self._demo_documents(customer, currency, amounts, products, today, rng)
        per_invoice = self.env.ref("monthly_settlement.demo_customer_per_invoice")
        self._demo_documents(per_invoice, company.currency_id, (2680, 5400, 1960), products, today, rng)
        self._demo_statements(today)
        self._demo_payment_reminders(today)

    def _demo_company(self, company):
        """A Shanghai trading company; staff and the administrator work in it."""
        company.write(
            {
                "name": "上海明远贸易有限公司",
                "street": "浦东新区张江路 88 号 明远大厦 12 楼",
                "city": "上海",
                "zip": "201203",
                "state_id": self.env.ref("base.state_cn_SH").id,
                "country_id": self.env.ref("base.cn").id,
                "vat": "91310115MA1H8M2Y3K",
                "phone": "021-5888 6600",
                "email": "finance@mingyuan-trading.example.com",
                "settlement_cutoff_day": 25,
                "settlement_payment_days": 60,
                "account_use_credit_limit": True,
            }
        )
        # Company-dependent values: XML data would set them in the main company, not this one.
        self.env.ref("monthly_settlement.demo_customer_huadong").credit_limit = 500000
        self.env.ref("monthly_settlement.demo_customer_per_invoice").property_payment_term_id = self.env.ref(
            "account.account_payment_term_30days"
        )
        self.env["res.partner.bank"].create(
            {
                "acc_number": "1001 2345 6789 0123 456",
                "bank_id": self.env.ref("monthly_settlement.demo_bank_icbc").id,
                "partner_id": company.partner_id.id,
                "allow_out_payment": True,
            }
        )
        self.env.ref("base.user_admin").write({"company_ids": [Command.link(company.id)], "company_id": company.id})
        # Our users belong to this company only: no company switcher for them, and the portal
        # customer passes the statements' multi-company rule.
        users = self.env["res.users"].browse(
            self.env.ref(f"monthly_settlement.demo_user_{name}").id
            for name in ("sales", "finance", "finance_2", "auditor", "portal")
        )
        users.write({"company_ids": [Command.set(company.ids)], "company_id": company.id})

    def _demo_enable_usd(self, company, today):
        usd = self.env.ref("base.USD")
        usd.active = True
        if usd != company.currency_id:  # without l10n_cn the demo company keeps Odoo's USD
            self.env["res.currency.rate"].create(
                {
                    "name": today - relativedelta(months=6),
                    "rate": 0.1389,
                    "currency_id": usd.id,
                    "company_id": company.id,
                }
            )
        return usd

    def _demo_documents(self, customer, currency, amounts, products, today, rng):
        """Four months of invoices, a credit note, full and partial payments."""
        invoices = self.env["account.move"]
        for months_back in range(4, -1, -1):
            month_start = (today - relativedelta(months=months_back)).replace(day=1)
            for day in (3, 11, 19, 27):
                invoice_date = month_start + timedelta(days=day - 1)
                if invoice_date >= today:
                    break
                amount = amounts[(months_back + day) % len(amounts)] * rng.choice((0.5, 0.8, 1.0, 1.2))
                product = products[day % len(products)]
                invoices |= self.env["account.move"].create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "invoice_date": invoice_date,
                        "currency_id": currency.id,
                        "ref": f"PO-{invoice_date:%y%m}{day:02d}-{customer.id}",
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "quantity": max(round(amount / product.list_price), 1),
                                    "price_unit": product.list_price,
                                }
                            )
                        ],
                    }
                )
        invoices.action_post()
        refunded = invoices[len(invoices) // 2]
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=refunded.ids)
            .create(
                {
                    "reason": "质量问题退货",
                    "journal_id": refunded.journal_id.id,
                    "date": refunded.invoice_date + timedelta(days=5),
                }
            )
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids[:1].quantity = max(credit_note.invoice_line_ids[:1].quantity // 3, 1)
        credit_note.action_post()
        # Customers pay what fell due: old invoices in full, the last one due in part.
        due = invoices.filtered(lambda invoice: invoice.invoice_date_due <= today).sorted("invoice_date_due")
        for invoice in due:
            paid_on = min(invoice.invoice_date_due + timedelta(days=rng.randint(-5, 10)), today)
            share = 0.6 if invoice == due[-1:] else 1.0
            self._demo_pay(invoice, paid_on, invoice.amount_residual * share)

    def _demo_pay(self, invoice, payment_date, amount):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {
                "payment_date": payment_date,
                "amount": round(amount, 2),
                "payment_difference_handling": "open",
            }
        ).action_create_payments()

    def _demo_statements(self, today):
        """Three periods per customer, walked through the workflow into every state."""
        sales = self.env.ref("monthly_settlement.demo_user_sales")
        finance = self.env.ref("monthly_settlement.demo_user_finance")
        finance_2 = self.env.ref("monthly_settlement.demo_user_finance_2")
        Statement = self.env["monthly.settlement.statement"]
        for xmlid, _amounts in DEMO_CUSTOMERS:
            customer = self.env.ref(f"monthly_settlement.{xmlid}")
            ends = [customer._get_last_closed_settlement_period(today - timedelta(days=1))[1]]
            for _older in range(2):
                ends.append(customer._get_last_closed_settlement_period(ends[-1] - timedelta(days=1))[1])
            for age, period_end in reversed(list(enumerate(ends))):
                statements, _left = Statement.with_user(sales)._generate_statements(customer, period_end)
                for statement in statements:
                    self._demo_advance(statement, xmlid, age, sales, finance, finance_2)
        # Customers with deemed-confirmation days who left a statement unanswered.
        Statement._cron_deem_confirmed()

    def _demo_payment_reminders(self, today):
        """The reminders of the last weeks, as if the scheduled action had run every day."""
        reminders = self.env["monthly.settlement.reminder"]
        for days_back in range(DEMO_REMINDER_DAYS, -1, -1):
            day = today - timedelta(days=days_back)
            reminders._send_reminders(reminders._prepare_payment_reminders(day), day)

    def _demo_advance(self, statement, xmlid, age, sales, finance, finance_2):
        """Oldest periods confirmed, the previous one out with the customer, the last one in review
        (one rejected back to draft, one cancelled)."""
        target = {
            2: {"demo_customer_huadong": "revised"}.get(xmlid, "confirmed"),
            1: {"demo_customer_nanfang": "disputed", "demo_customer_suzhou": "confirmed"}.get(xmlid, "sent"),
            0: {
                "demo_customer_huadong": "draft",
                "demo_customer_chuangxin": "rejected",
                "demo_customer_hengda": "to_review",
                "demo_customer_nanfang": "to_review",
                "demo_customer_xihu": "approved",
                "demo_customer_changjiang": "cancel",
                "demo_customer_huanqiu": "sent",
            }.get(xmlid, "draft"),
        }[age]
        if target == "draft":
            return
        if target == "cancel":
            statement.with_user(self.env.ref("base.user_admin")).action_cancel()
            return
        statement.with_user(sales).action_submit()
        if target == "rejected":
            # Back to draft with the reviewer's reason, and an activity for the salesperson.
            self.env["monthly.settlement.reject"].with_user(finance).with_context(
                active_model=statement._name, active_ids=statement.ids
            ).create(
                {"reason": "工业控制板卡的单价与合同价（1,250 元）不一致，请与客户核对后重新提交。"}
            ).action_reject()
            return
        if target == "to_review":
            return
        statement.with_user(finance).action_approve()
        if target == "approved":
            return
        statement.with_user(finance)._mark_sent(statement.period_end + timedelta(days=2))
        if target == "sent":
            return
        if target == "confirmed":
            statement.with_user(finance).action_customer_confirmed()
            return
        statement.with_user(finance).action_customer_disputed()
        if target == "revised":
            # The customer was right about a price: a discount credit note, then a new revision.
            self._demo_discount(statement.partner_id, statement.period_end, 500.0)
            revision = statement.browse(statement.with_user(finance).action_new_revision()["res_id"])
            revision.with_user(sales).action_submit()
            revision.with_user(finance_2).action_approve()
            revision.with_user(finance_2)._mark_sent(fields.Date.context_today(self))
            revision.with_user(finance_2).action_customer_confirmed()

    def _demo_discount(self, customer, date, amount):
        self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": customer.id,
                "invoice_date": date,
                "ref": "价格折让",
                "invoice_line_ids": [Command.create({"name": "价格折让", "quantity": 1, "price_unit": amount})],
            }
        ).action_post()
