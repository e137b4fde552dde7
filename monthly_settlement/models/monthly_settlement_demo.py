import base64
import logging
import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import file_open

from .monthly_settlement_reminder_step import REMINDER_KINDS

_logger = logging.getLogger(__name__)

# (customer xmlid, invoice amounts in the invoice currency, used in turn)
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
DEMO_PER_INVOICE_CUSTOMER = "demo_customer_per_invoice"
DEMO_USD_CUSTOMER = "demo_customer_huanqiu"
# Where in a period its invoices fall, as shares of the period's length.
DEMO_INVOICE_SHARES = (0.05, 0.3, 0.55, 0.8)
# Days of reminder history the demo replays (the overdue payment step is a week after the due
# date; the follow-ups of statements sent up to 40 days ago are caught up on the first day).
DEMO_REMINDER_DAYS = 40
DEMO_PRODUCTS = [("工业控制板卡", 1280.0), ("传感器模组", 356.0), ("技术服务费", 800.0)]
# Where each customer's last three closed periods stand (oldest first); unlisted customers
# take the default of their column.
DEMO_STORY = (
    ("confirmed", {"demo_customer_huadong": "revised"}),
    ("sent", {"demo_customer_nanfang": "disputed", "demo_customer_suzhou": "confirmed"}),
    (
        "draft",
        {
            "demo_customer_chuangxin": "rejected",
            "demo_customer_hengda": "to_review",
            "demo_customer_nanfang": "to_review",
            "demo_customer_xihu": "approved",
            "demo_customer_changjiang": "cancel",
            "demo_customer_huanqiu": "sent",
        },
    ),
)


class MonthlySettlementDemo(models.AbstractModel):
    """Builds the demo's accounting history through the real flows (demo data only).

    Everything is dated relative to ``today`` and to each customer's last closed periods, so
    the demo tells the same story on any day of the year.
    """

    _name = "monthly.settlement.demo"
    _description = "Monthly Settlement Demo Data"

    @api.model
    def _demo_get_company(self):
        # Odoo's demo gives the main company a generic chart in USD; l10n_cn's demo company
        # has the Chinese chart of accounts and CNY.
        return self.env.ref("base.demo_company_cn", raise_if_not_found=False) or self.env.ref("base.main_company")

    @api.model
    def _install_demo_data(self, today=None):
        company = self._demo_get_company()
        demo = self.with_company(company)
        if not self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)]):
            _logger.warning("Monthly settlement demo: the company has no chart of accounts, no documents created.")
            return
        demo._demo_load_translations()
        demo._demo_company(company)
        customers = {
            xmlid: self.env.ref(f"monthly_settlement.{xmlid}")
            for xmlid in [*(xmlid for xmlid, _amounts in DEMO_CUSTOMERS), DEMO_PER_INVOICE_CUSTOMER]
        }
        demo._demo_history(customers, today or fields.Date.context_today(self))

    @api.model
    def _demo_load_translations(self):
        """Demo data is loaded before Odoo loads the module's translations: load them now, so
        that emails and activities come out in the language of whoever reads them."""
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        self.env["ir.module.module"]._load_module_terms(["monthly_settlement"], langs)

    @api.model
    def _demo_history(self, customers, today):
        """Documents, statements and reminders of ``customers`` ({xmlid: partner}) as they
        stand on ``today``, in the current company."""
        company = self.env.company
        usd = self._demo_enable_usd(company, today)
        products = self.env["product.product"].create(
            [{"name": name, "list_price": price, "type": "service"} for name, price in DEMO_PRODUCTS]
        )
        for xmlid, amounts in DEMO_CUSTOMERS:
            currency = usd if xmlid == DEMO_USD_CUSTOMER else company.currency_id
            self._demo_documents(customers[xmlid], currency, amounts, products, today, random.Random(xmlid))
        self._demo_per_invoice_documents(customers[DEMO_PER_INVOICE_CUSTOMER], products, today)
        self._demo_statements(customers, today)
        self._demo_reminders(today)

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
                "logo": base64.b64encode(file_open("monthly_settlement/static/img/demo_company_logo.png", "rb").read()),
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
        # As in real groups of companies: the administrator and the head of finance work in
        # every company, the others in this one only (the portal customer passes the
        # statements' multi-company rule with it).
        all_companies = self.env["res.company"].search([])  # pylint: disable=no-search-all
        for xmlid in ("base.user_admin", "monthly_settlement.demo_user_finance_2"):
            self.env.ref(xmlid).write({"company_ids": [Command.set(all_companies.ids)], "company_id": company.id})
        users = self.env["res.users"].browse(
            self.env.ref(f"monthly_settlement.demo_user_{name}").id
            for name in ("sales", "finance", "auditor", "portal")
        )
        users.write({"company_ids": [Command.set(company.ids)], "company_id": company.id})

    def _demo_enable_usd(self, company, today):
        usd = self.env.ref("base.USD")
        usd.active = True
        rate_date = today - relativedelta(years=2)  # before every demo document
        if usd != company.currency_id and not self.env["res.currency.rate"].search_count(
            [("currency_id", "=", usd.id), ("company_id", "=", company.id), ("name", "<=", rate_date)]
        ):
            self.env["res.currency.rate"].create(
                {"name": rate_date, "rate": 0.1389, "currency_id": usd.id, "company_id": company.id}
            )
        return usd

    def _demo_as(self, xmlid):
        """The demo model acting as one of the demo users, in that user's language, as the web
        client would."""
        user = self.env.ref(xmlid)
        return self.with_user(user).with_context(lang=user.lang)

    @api.model
    def _demo_closed_periods(self, customer, today, count=3):
        """(start, end) of the customer's last ``count`` periods closed before ``today``, oldest first."""
        periods = [customer._get_last_closed_settlement_period(today - timedelta(days=1))]
        while len(periods) < count:
            periods.append(customer._get_last_closed_settlement_period(periods[-1][0] - timedelta(days=1)))
        return periods[::-1]

    def _demo_invoice_vals(self, customer, invoice_date, currency, product, amount, number):
        return {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_date": invoice_date,
            "currency_id": currency.id,
            "ref": f"PO-{invoice_date:%y%m%d}-{customer.id}-{number}",
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": max(round(amount / product.list_price), 3),
                        "price_unit": product.list_price,
                    }
                )
            ],
        }

    def _demo_documents(self, customer, currency, amounts, products, today, rng):
        """Four invoices in each of the last three closed periods and in the current one (up to
        yesterday); a credit note for part of an invoice; the customer pays the oldest period in
        full during the next one, and the middle one in part during the last one."""
        periods = self._demo_closed_periods(customer, today)
        current = (periods[-1][1] + timedelta(days=1), today - timedelta(days=1))
        vals_list, period_of_invoice = [], []
        for index, (start, end) in enumerate([*periods, current]):
            span = (end - start).days
            for number, share in enumerate(DEMO_INVOICE_SHARES if span >= 0 else ()):
                amount = amounts[number % len(amounts)] * rng.choice((0.5, 0.8, 1.0, 1.2))
                product = products[number % len(products)]
                invoice_date = start + timedelta(days=round(span * share))
                vals_list.append(self._demo_invoice_vals(customer, invoice_date, currency, product, amount, number))
                period_of_invoice.append(index)
        invoices = self.env["account.move"].create(vals_list)
        invoices.action_post()
        periods_of = dict(zip(invoices, period_of_invoice, strict=True))
        oldest, middle = (
            invoices.filtered(lambda invoice, period=period: periods_of[invoice] == period) for period in (0, 1)
        )
        self._demo_partial_refund(middle[1], min(middle[1].invoice_date + timedelta(days=5), periods[1][1]))
        self._demo_pay(oldest, periods[1][0] + timedelta(days=4))
        self._demo_pay(middle, periods[2][0] + timedelta(days=4), unpaid=middle[-1].amount_residual * 0.4)

    def _demo_per_invoice_documents(self, customer, products, today):
        """For contrast, a customer paying each invoice within 30 days of its date."""
        currency = self.env.company.currency_id
        invoices = self.env["account.move"].create(
            [
                self._demo_invoice_vals(
                    customer, today - timedelta(days=days_ago), currency, products[number % 3], amount, number
                )
                for number, (days_ago, amount) in enumerate(
                    zip((100, 70, 45, 20, 5), (2680, 5400, 1960, 2680, 5400), strict=True)
                )
            ]
        )
        invoices.action_post()
        self._demo_partial_refund(invoices[0], invoices[0].invoice_date + timedelta(days=5))
        due = invoices.filtered(lambda invoice: invoice.invoice_date_due < today).sorted("invoice_date_due")
        for invoice in due:
            unpaid = invoice.amount_residual * 0.4 if invoice == due[-1] else 0.0
            self._demo_pay(invoice, invoice.invoice_date_due - timedelta(days=2), unpaid=unpaid)

    def _demo_partial_refund(self, invoice, refund_date):
        """A credit note for a third of the invoice (goods returned for a quality problem)."""
        credit_note = invoice._reverse_moves(
            [{"invoice_date": refund_date, "date": refund_date, "ref": "质量问题退货"}]
        )
        line = credit_note.invoice_line_ids[:1]
        line.quantity = line.quantity // 3
        credit_note.action_post()
        return credit_note

    def _demo_pay(self, invoices, payment_date, unpaid=0.0):
        """One payment for the invoices (a customer paying a statement), leaving ``unpaid``
        of the last one open."""
        currency = invoices.currency_id
        amount = currency.round(sum(invoices.mapped("amount_residual")) - unpaid)
        if currency.is_zero(amount):
            return
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoices.ids).create(
            {
                "payment_date": payment_date,
                "amount": amount,
                "group_payment": True,
                "payment_difference_handling": "open",
            }
        ).action_create_payments()

    def _demo_statements(self, customers, today):
        """Three periods per customer, walked through the workflow into every state by the
        demo users, then the unanswered ones deemed confirmed as the nightly job would."""
        sales = self._demo_as("monthly_settlement.demo_user_sales")
        for xmlid, _amounts in DEMO_CUSTOMERS:
            customer = customers[xmlid]
            for (target, exceptions), (_start, end) in zip(
                DEMO_STORY, self._demo_closed_periods(customer, today), strict=True
            ):
                Statement = sales.env["monthly.settlement.statement"]
                statements, _left = Statement._generate_statements(customer, end)
                for statement in statements:
                    self._demo_advance(statement, exceptions.get(xmlid, target), today)
        self.env["monthly.settlement.statement"]._cron_deem_confirmed()

    def _demo_reminders(self, today):
        """The payment reminders and confirmation follow-ups of the last weeks (and the
        activities of statements left unanswered after them), as if both scheduled actions had
        run every day."""
        reminders = self.env["monthly.settlement.reminder"]
        for days_back in range(DEMO_REMINDER_DAYS, -1, -1):
            day = today - timedelta(days=days_back)
            for kind, _label in REMINDER_KINDS:
                for items, process in reminders._get_daily_work(kind, day):
                    process(items)

    def _demo_advance(self, statement, target, today):
        """Walk a statement to ``target``, each step by the user whose job it is."""
        sales = self._demo_as("monthly_settlement.demo_user_sales")
        finance = self._demo_as("monthly_settlement.demo_user_finance")
        finance_2 = self._demo_as("monthly_settlement.demo_user_finance_2")
        if target == "draft":
            return
        if target == "cancel":
            statement.with_env(self._demo_as("base.user_admin").env).action_cancel()
            return
        statement.with_env(sales.env).action_submit()
        if target == "rejected":
            # Back to draft with the reviewer's reason, and an activity for the salesperson.
            finance.env["monthly.settlement.reject"].create(
                {
                    "statement_ids": statement.ids,
                    "reason": "工业控制板卡的单价与合同价（1,250 元）不一致，请与客户核对后重新提交。",
                }
            ).action_reject()
            return
        if target == "to_review":
            return
        statement.with_env(finance.env).action_approve()
        if target == "approved":
            return
        statement.with_env(finance.env)._mark_sent(min(statement.period_end + timedelta(days=2), today))
        if target == "sent":
            return
        if target == "confirmed":
            # The customer's accountant returned the statement signed and stamped a few days later.
            contact = statement.partner_id.settlement_contact_ids[:1] or statement.partner_id
            statement.with_env(finance.env)._record_confirmation(
                contact.name,
                channel="stamped_copy",
                answered_on=min(statement.send_date.date() + timedelta(days=5), today),
            )
            return
        customer = self._demo_customer_side(statement)
        first_invoice = statement.line_ids.filtered(lambda line: line.line_type == "invoice")[:1]
        if target == "disputed":
            # A customer without the portal phoned the accountant: one delivery is short.
            statement.with_env(finance.env)._record_dispute(
                {first_invoice.id: "实收数量比送货单少 2 件，请核对签收单。"},
                "本期有一笔送货数量与我方签收记录不符，核实后请重新出具对账单。",
                channel="phone",
                answered_on=min(statement.send_date.date() + timedelta(days=3), today),
                name="财务经理 陈先生",
            )
            return
        # revised: the customer was right about a price; a discount credit note, a new revision
        # that the customer confirms on the portal.
        customer._record_dispute(
            {first_invoice.id: "单价应按合同价 1,250 元结算。"},
            "请按年度框架合同的价格更正后重新发送。",
            author=customer.partner_id,
        )
        self._demo_discount(statement.partner_id, statement.period_end, 500.0)
        revision = statement.browse(statement.with_env(finance.env).action_new_revision()["res_id"])
        revision.with_env(sales.env).action_submit()
        revision.with_env(finance_2.env).action_approve()
        revision.with_env(finance_2.env)._mark_sent(today)
        contact = revision.partner_id.settlement_contact_ids[:1] or revision.partner_id
        self._demo_customer_side(revision)._record_confirmation(contact.name, ip="127.0.0.1", author=contact)

    def _demo_customer_side(self, statement):
        """The statement as the portal serves it to the customer (in sudo, in their language)."""
        return statement.sudo().with_context(lang=statement._get_statement_lang())

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
