"""Balance confirmation letters (往来询证函): the auditor's year-end procedure.

One letter per customer and balance date, in one of the three forms auditors use (positive,
negative, blank), issued with the customer's receivable balance computed set-based, sent by email
with the exact PDF kept (bytes and SHA-256), answered by the customer on the portal, and closed
after the reply deadline (negative letters deemed agreed, the others without a reply).
"""

import hashlib
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from odoo.addons.monthly_settlement.models.monthly_settlement_statement_archive import DESTROYING
from odoo.addons.monthly_settlement.tools.access import check_settlement_group

LETTER_REPORT = "monthly_settlement_audit.action_report_confirmation_letter"
LETTER_TEMPLATE = "monthly_settlement_audit.mail_template_confirmation_letter"
AUDITOR_GROUP = "monthly_settlement.group_settlement_auditor"
SEQUENCE_CODE = "monthly.settlement.confirmation.letter"
LETTER_FORMS = [
    ("positive", "Positive"),
    ("negative", "Negative"),
    ("blank", "Blank"),
]
LETTER_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("answered", "Answered"),
    ("deemed", "Deemed Agreed"),
    ("no_reply", "No Reply"),
]
REPLY_KINDS = [
    ("agree", "Agrees"),
    ("disagree", "Disagrees"),
    ("amount", "Gave their balance"),
]
# A reply is taken while the letter is out, and also late: after the deadline closed it.
ANSWERABLE_STATES = {"sent", "deemed", "no_reply"}
# What a user may change by hand; everything else only through issuing, sending and replies.
USER_EDITABLE_FIELDS = {"batch_name"}


class MonthlySettlementConfirmationLetter(models.Model):
    _name = "monthly.settlement.confirmation.letter"
    _description = "Balance Confirmation Letter"
    _inherit = ["mail.thread", "portal.mixin"]
    _order = "balance_date desc, name desc, id desc"

    name = fields.Char(string="Number", readonly=True, copy=False, default="/", index=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        domain="[('is_company', '=', True)]",
        help="The customer (its commercial entity) whose balance is confirmed.",
    )
    batch_name = fields.Char(
        string="Batch", readonly=True, index=True, help="The letters issued together (one issue of the wizard)."
    )
    balance_date = fields.Date(required=True, readonly=True)
    # Our figures are for staff: a customer reads them only as the letter shows them (never on the
    # blank form, see shown_balance), not by asking the ORM.
    balance = fields.Monetary(
        string="Our Balance",
        readonly=True,
        groups=AUDITOR_GROUP,
        help="What the customer owed us at the balance date (receivable, company currency).",
    )
    shown_balance = fields.Monetary(
        string="Balance Shown",
        compute="_compute_shown_balance",
        help="Our balance as the letter shows it to the customer: none on the blank form.",
    )
    currency_balance_data = fields.Json(readonly=True, copy=False, groups=AUDITOR_GROUP)
    currency_balance_text = fields.Char(
        string="By Currency",
        compute="_compute_currency_balance_text",
        groups=AUDITOR_GROUP,
        help="The balance in each invoice currency.",
    )
    form = fields.Selection(LETTER_FORMS, required=True, readonly=True, default="positive")
    reply_deadline = fields.Date(required=True, readonly=True)
    state = fields.Selection(LETTER_STATES, default="draft", required=True, readonly=True, tracking=True, index=True)
    send_date = fields.Datetime(string="Sent on", readonly=True, copy=False)
    send_uid = fields.Many2one("res.users", string="Sent by", readonly=True, copy=False)
    sent_pdf_id = fields.Many2one("ir.attachment", string="PDF Sent", readonly=True, copy=False)
    sent_pdf_sha256 = fields.Char(string="PDF SHA-256", readonly=True, copy=False)
    reply_kind = fields.Selection(REPLY_KINDS, string="Reply", readonly=True, copy=False)
    reply_amount = fields.Monetary(
        string="Their Balance", readonly=True, copy=False, help="The balance in the customer's books, as they gave it."
    )
    reply_comment = fields.Text(string="Their Comment", readonly=True, copy=False)
    reply_name = fields.Char(string="Answered by (Name)", readonly=True, copy=False)
    reply_date = fields.Datetime(string="Answered on", readonly=True, copy=False)
    reply_ip = fields.Char(string="Answered from (IP)", readonly=True, copy=False)
    difference = fields.Monetary(
        compute="_compute_difference",
        store=True,
        groups=AUDITOR_GROUP,
        help="Their balance minus ours, once they answered with an amount (agreeing: 0).",
    )
    has_difference = fields.Boolean(compute="_compute_difference", store=True, string="Difference Found")
    is_agreed = fields.Boolean(
        compute="_compute_difference", store=True, string="Agreed", help="Agreed by reply, or deemed agreed."
    )
    reply_rate = fields.Float(
        string="Reply Rate (%)",
        compute="_compute_reply_rate",
        store=True,
        aggregator="avg",
        help="100 for a letter answered, 0 otherwise: its average over letters is the reply rate.",
    )

    _name_company_unique = models.UniqueIndex("(company_id, name) WHERE name != '/'")

    @api.depends("form", "balance")
    def _compute_shown_balance(self):
        for letter, letter_sudo in zip(self, self.sudo(), strict=True):
            letter.shown_balance = letter_sudo.balance if letter.form != "blank" else 0.0

    @api.depends("currency_balance_data")
    def _compute_currency_balance_text(self):
        currencies = self.env["res.currency"].browse(
            {int(key) for letter in self for key in (letter.currency_balance_data or {})}
        )
        by_id = {currency.id: currency for currency in currencies}
        for letter in self:
            parts = [
                f"{by_id[int(key)].name} {by_id[int(key)].format(amount)}"
                for key, amount in sorted((letter.currency_balance_data or {}).items())
            ]
            letter.currency_balance_text = "; ".join(parts)

    @api.depends("state", "reply_kind", "reply_amount", "balance")
    def _compute_difference(self):
        for letter in self:
            answered_amount = letter.state == "answered" and letter.reply_kind in ("disagree", "amount")
            difference = letter.reply_amount - letter.balance if answered_amount else 0.0
            letter.difference = difference
            letter.has_difference = bool(answered_amount and letter.currency_id.compare_amounts(difference, 0))
            letter.is_agreed = letter.state == "deemed" or (letter.state == "answered" and not letter.has_difference)

    @api.depends("state")
    def _compute_reply_rate(self):
        for letter in self:
            letter.reply_rate = 100.0 if letter.state == "answered" else 0.0

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for letter in self:
            letter.access_url = f"/my/confirmation_letters/{letter.id}"
        return result

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Confirmation Letter %(number)s", number=self.name)

    def _get_letter_lang(self):
        """The customer's statement language (or their own): the letter, its email and portal page."""
        self.ensure_one()
        return self.partner_id.settlement_lang or self.partner_id.lang or self.env.lang

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")
            if vals.keys() - USER_EDITABLE_FIELDS:
                raise AccessError(
                    self.env._("A confirmation letter's figures, state and reply change only through its buttons.")
                )
        return super().write(vals)

    def _transition(self, vals):
        """Write a workflow change (checked by the caller) as superuser."""
        self.sudo().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if self.env.context.get(DESTROYING):
            return  # archived letters past retention, destroyed by an approved destruction list
        for letter in self:
            if letter.state != "draft":
                raise UserError(
                    self.env._("Letter %(letter)s was sent: it is kept for the audit file.", letter=letter.name)
                )

    # ------------------------------------------------------------------
    # Issue
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        check_settlement_group(self.env, "auditor")
        letters = super().create(vals_list)
        for company, company_letters in letters.grouped("company_id").items():
            sequence = self._letter_sequence(company)
            for letter in company_letters:
                letter._transition({"name": sequence.next_by_id(sequence_date=letter.balance_date)})
        return letters

    @api.model
    def _letter_sequence(self, company):
        """The company's own numbering of letters (made the first time it issues one)."""
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search([("code", "=", SEQUENCE_CODE), ("company_id", "=", company.id)], limit=1)
        return sequence or Sequence.create(
            {
                "name": f"{self._description} ({company.name})",
                "code": SEQUENCE_CODE,
                "company_id": company.id,
                "prefix": "CL/%(range_year)s/",
                "padding": 4,
                "use_date_range": True,
            }
        )

    @api.model
    def _receivable_balances(self, partners, balance_date, company):
        """{commercial partner id: {currency id: (balance in company currency, amount in that
        currency)}}: what each customer owed at the end of ``balance_date`` on its receivable
        accounts, posted entries only, in one query for all of them."""
        if not partners:
            return {}
        self.env.flush_all()  # raw SQL: entries posted in this transaction count
        self.env.cr.execute(
            SQL(
                """
                SELECT partner.commercial_partner_id, line.currency_id,
                       SUM(line.balance), SUM(line.amount_currency)
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   AND line.company_id = %(company_id)s
                   AND line.date <= %(balance_date)s
                   AND partner.commercial_partner_id = ANY(%(partner_ids)s)
                 GROUP BY partner.commercial_partner_id, line.currency_id
                """,
                company_id=company.id,
                balance_date=balance_date,
                partner_ids=partners.commercial_partner_id.ids,
            )
        )
        balances = defaultdict(dict)
        for partner_id, currency_id, balance, amount_currency in self.env.cr.fetchall():
            balances[partner_id][currency_id] = (balance, amount_currency)
        return balances

    @api.model
    def _issue(self, partners, form, balance_date, reply_deadline, batch_name=None, company=None):
        """One draft letter per customer (commercial partner) of ``partners``, with its balance."""
        check_settlement_group(self.env, "auditor")
        company = company or self.env.company
        partners = partners.commercial_partner_id
        if not partners:
            raise UserError(self.env._("Select at least one customer to send a confirmation letter to."))
        if not balance_date or not reply_deadline:
            raise UserError(self.env._("Give the balance date and the reply deadline of the letters."))
        if reply_deadline <= balance_date:
            raise UserError(self.env._("The reply deadline must come after the balance date."))
        if reply_deadline < fields.Date.context_today(self):
            raise UserError(self.env._("The reply deadline cannot be in the past."))
        if form not in dict(LETTER_FORMS):
            raise UserError(self.env._("Choose the form of the letters: positive, negative or blank."))
        balances = self._receivable_balances(partners, balance_date, company)
        currency = company.currency_id
        vals_list = []
        for partner in partners:
            by_currency = balances.get(partner.id, {})
            vals_list.append(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "form": form,
                    "balance_date": balance_date,
                    "reply_deadline": reply_deadline,
                    "batch_name": batch_name,
                    "balance": currency.round(sum(balance for balance, _amount in by_currency.values())),
                    "currency_balance_data": {
                        str(currency_id): amount
                        for currency_id, (_balance, amount) in by_currency.items()
                        if currency_id != currency.id
                    },
                }
            )
        return self.create(vals_list)

    @api.model
    def _customers_with_balance(self, balance_date, company=None):
        """The company's monthly customers who owed something (or were owed) at ``balance_date``."""
        company = company or self.env.company
        customers = self.env["res.partner"]._search_monthly_customers(company)
        balances = self._receivable_balances(customers, balance_date, company)
        currency = company.currency_id
        return customers.filtered(
            lambda partner: not currency.is_zero(sum(balance for balance, _ in balances.get(partner.id, {}).values()))
        )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _check_state(self, states, action):
        for letter in self:
            if letter.state not in states:
                raise UserError(
                    self.env._(
                        "Letter %(letter)s is %(state)s: you cannot %(action)s it.",
                        letter=letter.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[letter.state],
                        action=action,
                    )
                )

    def _get_letter_recipients(self):
        """The customer's accounting contacts: its statement contacts, else its invoice addresses
        with an email, else the customer itself."""
        self.ensure_one()
        customer = self.partner_id
        contacts = customer.settlement_contact_ids.filtered("email")
        if not contacts:
            contacts = customer.child_ids.filtered(lambda child: child.type == "invoice" and child.email)
        return contacts or customer

    def action_send(self):
        """Email the draft letters, each with its PDF (kept, with its SHA-256, as what was sent)."""
        check_settlement_group(self.env, "auditor")
        self._check_state({"draft"}, self.env._("send"))
        for letter in self:
            if not letter._get_letter_recipients().filtered("email"):
                raise UserError(
                    self.env._(
                        "%(customer)s has no contact with an email address for letter %(letter)s: add an "
                        "invoice address or statement contact with an email on the customer.",
                        customer=letter.partner_id.display_name,
                        letter=letter.name,
                    )
                )
        template = self.env.ref(LETTER_TEMPLATE).sudo()
        for letter in self:
            lang = letter._get_letter_lang()
            letter = letter.with_context(lang=lang)
            attachment = letter._store_sent_pdf()
            values = {
                name: template._render_field(
                    field, letter.ids, set_lang=lang, options={"post_process": True} if name == "body" else None
                )[letter.id]
                for name, field in (("subject", "subject"), ("body", "body_html"), ("email_from", "email_from"))
            }
            letter.message_post(
                subject=values["subject"],
                body=values["body"],
                partner_ids=letter._get_letter_recipients().ids,
                attachment_ids=attachment.ids,
                author_id=letter._message_compute_author(email_from=values["email_from"])[0]
                or self.env.user.partner_id.id,
                email_from=values["email_from"],
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_add_signature=False,
                mail_auto_delete=False,
            )
            letter._transition({"state": "sent", "send_date": fields.Datetime.now(), "send_uid": self.env.uid})
        return True

    def _store_sent_pdf(self):
        """Render the letter's PDF once and keep those bytes and their SHA-256: what the customer got."""
        self.ensure_one()
        content, _kind = self.env["ir.actions.report"].sudo()._render_qweb_pdf(LETTER_REPORT, self.ids)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{self._get_report_base_filename()}.pdf",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/pdf",
                }
            )
        )
        self._transition({"sent_pdf_id": attachment.id, "sent_pdf_sha256": hashlib.sha256(content).hexdigest()})
        return attachment

    def _get_sent_pdf(self):
        """The bytes sent, if they are still what was sent (checked against the stored hash)."""
        self.ensure_one()
        content = self.sudo().sent_pdf_id.raw or b""
        if not content or hashlib.sha256(content).hexdigest() != self.sent_pdf_sha256:
            raise UserError(self.env._("The PDF of letter %(letter)s is missing or was altered.", letter=self.name))
        return content

    # ------------------------------------------------------------------
    # Replies
    # ------------------------------------------------------------------

    def _record_reply(self, agree, amount=None, comment=None, name=None, ip=None, author=None):
        """The customer's answer on the portal: ``agree`` with our balance (positive and negative
        forms), or not, giving their balance ``amount``; on the blank form, their balance."""
        self.ensure_one()
        if self.state not in ANSWERABLE_STATES:
            raise UserError(self.env._("This letter is not waiting for your answer any more."))
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Type your name to answer the letter."))
        if self.form == "blank":
            kind = "amount"
        else:
            kind = "agree" if agree else "disagree"
        if kind == "agree":
            amount = self.balance
        elif amount in (None, "", False):
            raise UserError(
                self.env._("Give the balance in your books.")
                if kind == "amount"
                else self.env._("You disagree: give the balance in your books.")
            )
        else:
            try:
                amount = float(str(amount).replace(",", "").strip())
            except ValueError:
                raise UserError(self.env._("%(amount)s is not an amount.", amount=amount)) from None
        comment = (comment or "").strip()
        if kind == "disagree" and not comment:
            raise UserError(self.env._("Tell us where the difference comes from."))
        self._transition(
            {
                "state": "answered",
                "reply_kind": kind,
                "reply_amount": amount,
                "reply_comment": comment or False,
                "reply_name": name[:128],
                "reply_date": fields.Datetime.now(),
                "reply_ip": ip or False,
            }
        )
        kinds = dict(self._fields["reply_kind"]._description_selection(self.env))
        body = Markup("<p>%s</p>") % self.env._(
            "%(reply)s, answered by %(name)s: their balance %(amount)s.",
            reply=kinds[kind],
            name=name,
            amount=self.currency_id.format(amount),
        )
        if comment:
            body += Markup("<p>%s</p>") % comment
        self.message_post(
            body=body,
            author_id=(author or self.partner_id).id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.send_uid.partner_id.ids,
        )

    def _close_overdue(self, today=None):
        """After the reply deadline: negative letters are deemed agreed, the others have no reply."""
        today = today or fields.Date.context_today(self)
        overdue = self.filtered(lambda letter: letter.state == "sent" and letter.reply_deadline < today)
        for letter in overdue:
            deemed = letter.form == "negative"
            letter._transition({"state": "deemed" if deemed else "no_reply"})
            letter.message_post(
                body=(
                    self.env._(
                        "No disagreement by %(date)s: the balance is deemed agreed.",
                        date=format_date(self.env, letter.reply_deadline),
                    )
                    if deemed
                    else self.env._(
                        "No reply by %(date)s.",
                        date=format_date(self.env, letter.reply_deadline),
                    )
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
        return overdue

    @api.model
    def _cron_close_overdue(self):
        letters = self.sudo().search([("state", "=", "sent"), ("reply_deadline", "<", fields.Date.context_today(self))])
        for company, company_letters in letters.grouped("company_id").items():
            company_letters.with_company(company)._close_overdue()

    def action_print(self):
        """The PDF sent for a sent letter (its kept bytes), a fresh rendering for a draft."""
        self.ensure_one()
        if self.sent_pdf_id:
            self._get_sent_pdf()
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{self.sent_pdf_id.id}?download=true",
                "target": "download",
            }
        return self.env.ref(LETTER_REPORT).report_action(self)
