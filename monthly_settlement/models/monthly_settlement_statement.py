import logging
from datetime import timedelta

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.access import check_settlement_group
from .monthly_settlement_engine import GENERATION_BATCH_SIZE, HEADER_FIGURES
from .res_partner import DETAIL_LEVELS

_logger = logging.getLogger(__name__)

CRON_CATCH_UP_DAYS = 7

STATEMENT_STATES = [
    ("draft", "Draft"),
    ("to_review", "To Review"),
    ("approved", "Approved"),
    ("sent", "Sent"),
    ("confirmed", "Confirmed"),
    ("deemed", "Deemed Confirmed"),
    ("disputed", "Disputed"),
    ("cancel", "Cancelled"),
]
# States in which the customer has the statement (unless a newer revision replaced it): see
# `is_with_customer`, the one definition the portal, reminders and credit control use.
WITH_CUSTOMER_STATES = ("sent", "confirmed", "deemed", "disputed")
# Account statements state the receivable (invoices, credit notes, payments) and are paid; delivery
# statements (monthly_settlement_sale) state the deliveries to invoice, for customers who agree them
# before they are invoiced. Figures, reminders, open amounts and credit control are of account statements.
STATEMENT_TYPES = [("account", "Statement of account"), ("delivery", "Delivery statement")]
# The only fields users write directly; everything else (figures, lines, state, who did what)
# is written by generation and the workflow buttons, as superuser after their own checks.
USER_EDITABLE_FIELDS = {"note", "user_id", "accountant_id"}
# What the customer received, which never changes once sent (see `is_sent`), not even by the
# superuser: the workflow, answer and delivery fields are the only ones that move afterwards.
SENT_CONTENT_FIELDS = {
    "name",
    "revision",
    "company_id",
    "partner_id",
    "currency_id",
    "period_start",
    "period_end",
    "date_due",
    "note",
    "confirm_days",
    "line_ids",
    "ageing_ids",
    "detail_level",
    "detail_ids",
    "previous_revision_id",
    "generate_uid",
    "generate_date",
    "submit_uid",
    "submit_date",
    "approve_uid",
    "approve_date",
    "send_uid",
    "send_date",
    *HEADER_FIGURES,
}


class MonthlySettlementStatement(models.Model):
    _name = "monthly.settlement.statement"
    _description = "Customer Statement"
    # The statement's own rooms first: they extend what mail.thread and portal.mixin do.
    _inherit = [
        "monthly.settlement.statement.send",
        "monthly.settlement.statement.answer",
        "monthly.settlement.statement.revision",
        "monthly.settlement.statement.archive",
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "period_end desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id"]

    name = fields.Char(string="Number", default="/", readonly=True, copy=False, index="trigram")
    revision = fields.Integer(default=1, readonly=True, copy=False)
    statement_type = fields.Selection(
        STATEMENT_TYPES, string="Type", default="account", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, tracking=True
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True, index=True)
    statement_date = fields.Date(related="period_end", string="Statement Date")
    date_due = fields.Date(string="Due Date", readonly=True, index=True)
    opening_balance = fields.Monetary(readonly=True)
    period_debit = fields.Monetary(string="Invoiced", readonly=True, help="Invoices and other debits of the period.")
    period_credit = fields.Monetary(
        string="Credited and Paid", readonly=True, help="Credit notes and payments of the period."
    )
    closing_balance = fields.Monetary(readonly=True)
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    line_ids = fields.One2many("monthly.settlement.statement.line", "statement_id", readonly=True)
    ageing_ids = fields.One2many("monthly.settlement.statement.ageing", "statement_id", readonly=True)
    detail_level = fields.Selection(DETAIL_LEVELS, default="documents", required=True, readonly=True)
    detail_ids = fields.One2many(
        "monthly.settlement.statement.detail", "statement_id", string="Product Lines", readonly=True
    )
    state = fields.Selection(
        STATEMENT_STATES, default="draft", required=True, readonly=True, copy=False, tracking=True, index=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", tracking=True, domain="[('share', '=', False)]")
    accountant_id = fields.Many2one(
        "res.users", string="Responsible Accountant", tracking=True, domain="[('share', '=', False)]"
    )
    note = fields.Text(string="Note to Customer", help="Printed on the statement.")
    amount_open_now = fields.Monetary(
        string="Open Now",
        compute="_compute_amount_open_now",
        help="What the customer still owes today of the documents on this statement.",
    )
    reminder_ids = fields.One2many(
        "monthly.settlement.reminder",
        "statement_id",
        string="Reminders",
        readonly=True,
        help="Payment reminders and confirmation follow-ups sent for this statement.",
    )

    generate_uid = fields.Many2one("res.users", string="Generated by", readonly=True, copy=False)
    generate_date = fields.Datetime(string="Generated on", readonly=True, copy=False)
    submit_uid = fields.Many2one("res.users", string="Submitted by", readonly=True, copy=False)
    submit_date = fields.Datetime(string="Submitted on", readonly=True, copy=False)
    approve_uid = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False)
    approve_date = fields.Datetime(string="Approved on", readonly=True, copy=False)
    reject_uid = fields.Many2one("res.users", string="Rejected by", readonly=True, copy=False)
    reject_date = fields.Datetime(string="Rejected on", readonly=True, copy=False)
    reject_reason = fields.Text(string="Rejection Reason", readonly=True, copy=False, tracking=True)
    cancel_uid = fields.Many2one("res.users", string="Cancelled by", readonly=True, copy=False)
    cancel_date = fields.Datetime(string="Cancelled on", readonly=True, copy=False)

    is_with_customer = fields.Boolean(
        string="With the Customer",
        compute="_compute_is_with_customer",
        store=True,
        index=True,
        help="Sent to the customer and not replaced by a newer revision: the customer sees it on "
        "the portal, may answer it and is asked to pay it.",
    )
    is_on_portal = fields.Boolean(
        string="On the Portal",
        compute="_compute_is_on_portal",
        store=True,
        index=True,
        help="With the customer, who has the portal among their delivery channels: the customer "
        "finds it on the portal and its emails and PDF link to it.",
    )
    is_withdrawn = fields.Boolean(
        string="Withdrawn",
        compute="_compute_is_withdrawn",
        store=True,
        index=True,
        help="Cancelled after it was sent: the customer was told it no longer stands. It keeps its "
        "number and content, read-only, and never goes back to draft.",
    )
    needs_revision = fields.Boolean(
        string="Needs a New Revision",
        readonly=True,
        copy=False,
        index=True,
        help="A document it lists was reset to draft, cancelled or deleted after the statement was "
        "sent (a manager was allowed to, by the company's setting): make a new revision.",
    )
    previous_revision_id = fields.Many2one(
        "monthly.settlement.statement", readonly=True, copy=False, index="btree_not_null"
    )
    superseded_by_id = fields.Many2one(
        "monthly.settlement.statement", readonly=True, copy=False, index="btree_not_null"
    )

    _unique_revision = models.Constraint(
        "UNIQUE (company_id, partner_id, currency_id, period_start, period_end, statement_type, revision)",
        "There is already a statement of this type and revision for this customer, period and currency.",
    )

    @api.depends("name", "revision", "partner_id")
    def _compute_display_name(self):
        for statement in self:
            number = statement.name if statement.name != "/" else self.env._("Draft Statement")
            if statement.revision > 1:
                number = self.env._("%(number)s (revision %(revision)s)", number=number, revision=statement.revision)
            statement.display_name = number

    @api.depends("state", "superseded_by_id")
    def _compute_is_with_customer(self):
        for statement in self:
            statement.is_with_customer = statement.state in WITH_CUSTOMER_STATES and not statement.superseded_by_id

    @api.depends("state", "is_sent")
    def _compute_is_withdrawn(self):
        for statement in self:
            statement.is_withdrawn = statement.state == "cancel" and statement.is_sent

    @api.depends("is_with_customer", "is_withdrawn", "partner_id.settlement_delivery_portal")
    def _compute_is_on_portal(self):
        # A withdrawn statement stays on the portal, shown as withdrawn: that is how the customer learns it.
        for statement in self:
            statement.is_on_portal = (statement.is_with_customer or statement.is_withdrawn) and statement._uses_portal()

    def _uses_portal(self):
        """The customer has Publish on Portal among their delivery channels: the statement goes
        on the portal once sent, and its emails and PDF link to it (with a QR code). Without it
        they carry no link and the customer answers by email or on the signed paper."""
        self.ensure_one()
        return self.partner_id.settlement_delivery_portal

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for statement in self:
            statement.access_url = f"/my/statements/{statement.id}"
        return result

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Statement %(statement)s", statement=self.display_name)

    @api.model
    def get_views(self, views, options=None):
        """Auditors read statements and change nothing: no activity to schedule on them (the
        chatter would offer one that cannot be saved)."""
        result = super().get_views(views, options)
        if not self.has_access("write"):
            result["models"].get(self._name, {}).pop("has_activities", None)
        return result

    def _get_statement_lang(self):
        """Language the customer reads statements in: their statement language, else their own."""
        self.ensure_one()
        return self.partner_id.settlement_lang or self.partner_id.lang or self.env.lang

    def _get_statement_reports(self):
        """Report actions that go with a statement: attached when it is sent and offered for
        download on the portal. Empty here; the reports module adds its PDF and XLSX."""
        return self.env["ir.actions.report"]

    # ------------------------------------------------------------------
    # Protection of generated figures and workflow fields
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Statements are generated from the customer's accounting, not entered by hand.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")  # who may not write at all is told so first
            if vals.keys() - USER_EDITABLE_FIELDS:
                raise AccessError(self.env._("A statement's figures and state change only through its buttons."))
            if "note" in vals:
                self._check_draft(self.env._("change the note of"))
        self._check_content_unchanged(vals.keys())
        return super().write(vals)

    def _check_content_unchanged(self, field_names):
        """What the customer received stays as it was, whoever writes (the superuser included)."""
        if not set(field_names) & SENT_CONTENT_FIELDS:
            return
        sent = self.filtered("is_sent")
        if sent:
            sent._check_not_archived()  # an archived one says so, with its archive number
            raise UserError(
                self.env._(
                    "Statement %(statement)s was sent to the customer: what it says and the files sent can no "
                    "longer change. Make a new revision to correct it.",
                    statement=sent[0].display_name,
                )
            )

    def _lock_for_update(self):
        """Take the statements' rows for this transaction, or tell the user that someone else is
        changing them right now (or just did, after this transaction began): of two users approving
        or sending the same statement at once, one wins and the other gets this message."""
        if not self:
            return
        self.flush_recordset()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM monthly_settlement_statement WHERE id = ANY(%s) FOR UPDATE NOWAIT",
                        self.ids,
                    )
                )
        except (LockNotAvailable, SerializationFailure):
            raise UserError(
                self.env._(
                    "Someone else is working on statement %(statement)s at this very moment, or has just "
                    "changed it: reload it to see where it stands.",
                    statement=self[0].display_name if len(self) == 1 else ", ".join(self.mapped("display_name")),
                )
            ) from None
        self.invalidate_recordset()

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        # Archived statements go only through a destruction list (see the archive room).
        for statement in self.filtered(lambda statement: not statement.archive_entry_id):
            if statement.state not in ("draft", "cancel") or statement.submit_date:
                raise UserError(
                    self.env._(
                        "Statement %(statement)s has been submitted: it can be cancelled, not deleted.",
                        statement=statement.display_name,
                    )
                )

    def _check_draft(self, action):
        not_draft = self.filtered(lambda statement: statement.state != "draft")
        if not_draft:
            raise UserError(
                self.env._(
                    "You cannot %(action)s statement %(statement)s: it is no longer a draft. "
                    "Make a new revision to change an approved statement.",
                    action=action,
                    statement=not_draft[0].display_name,
                )
            )

    def _check_state(self, allowed_states, action):
        """Refuse ``action`` on statements not in ``allowed_states`` (or superseded), after taking
        their rows so that two users cannot do it at once (see `_lock_for_update`)."""
        self._lock_for_update()
        wrong = self.filtered(lambda statement: statement.state not in allowed_states or statement.superseded_by_id)
        if wrong:
            state_labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "You cannot %(action)s statement %(statement)s in state “%(state)s”.",
                    action=action,
                    statement=wrong[0].display_name,
                    state=self.env._("Superseded") if wrong[0].superseded_by_id else state_labels[wrong[0].state],
                )
            )

    def _open_statement_wizard(self, wizard_model, title, **defaults):
        """The dialog of ``wizard_model`` on these statements (its ``statement_ids``), with the
        other ``defaults`` given."""
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": wizard_model,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_statement_ids": self.ids,
                **{f"default_{name}": value for name, value in defaults.items()},
            },
        }

    def _transition(self, vals, stamp=None):
        """Write a workflow change as superuser, stamping who did it and when."""
        if stamp:
            vals = dict(vals, **{f"{stamp}_uid": self.env.uid, f"{stamp}_date": fields.Datetime.now()})
        self.sudo().write(vals)

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def action_submit(self):
        check_settlement_group(self.env, "user")
        self._check_state({"draft"}, self.env._("submit"))
        self._check_consistency()
        for statement in self:
            statement._transition(
                {"state": "to_review", "name": statement._get_number(), "reject_reason": False},
                stamp="submit",
            )
            statement._schedule_review_activities()
        return True

    def action_approve(self):
        check_settlement_group(self.env, "reviewer")
        self._check_state({"to_review"}, self.env._("approve"))
        for statement in self:
            if statement.company_id.settlement_four_eyes and self.env.user in (
                statement.submit_uid | statement.generate_uid
            ):
                raise UserError(
                    self.env._(
                        "You prepared statement %(statement)s, so another reviewer must approve it.",
                        statement=statement.display_name,
                    )
                )
        for statement in self:
            # From approval on the statement is what the customer gets, the days to answer included.
            statement._transition(
                {"state": "approved", "confirm_days": statement.partner_id.settlement_confirm_days}, stamp="approve"
            )
        for statement in self.filtered("previous_revision_id"):
            statement.previous_revision_id._transition({"superseded_by_id": statement.id})
        self._close_review_activities()
        return True

    def action_reject(self):
        check_settlement_group(self.env, "reviewer")
        self._check_state({"to_review"}, self.env._("reject"))
        return self._open_statement_wizard("monthly.settlement.reject", self.env._("Reject Statements"))

    def _reject(self, reason):
        check_settlement_group(self.env, "reviewer")
        self._check_state({"to_review"}, self.env._("reject"))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the statement is rejected."))
        self._transition({"state": "draft", "reject_reason": reason}, stamp="reject")
        self._close_review_activities()
        for statement in self:  # the reason is in the chatter with the state (both tracked)
            if statement.submit_uid:
                statement._schedule_activity_for(
                    statement.submit_uid, "monthly_settlement.mail_activity_statement_rejected", note=reason
                )
        return True

    def action_cancel(self):
        check_settlement_group(self.env, "manager")
        self._check_state({"draft", "to_review", "approved", "sent", "disputed"}, self.env._("cancel"))
        self._transition({"state": "cancel"}, stamp="cancel")
        self._close_review_activities()
        self.filtered("is_sent")._notify_withdrawal()
        return True

    def _notify_withdrawal(self):
        """A sent statement was cancelled: the customer is told by each channel it reached them by
        (an email to those it was emailed to; on the portal it shows as withdrawn; on paper the
        accountant is asked to post a notice)."""
        template = self.env.ref("monthly_settlement.mail_template_statement_withdrawn")
        for statement in self:
            sendings = statement.sending_ids.filtered(lambda sending: not sending.delivery_failed)
            emailed = sendings.filtered(lambda sending: sending.channel == "email").recipient_ids
            if emailed:
                statement.with_context(
                    lang=statement._get_statement_lang(), mail_notify_force_send=True
                ).message_post_with_source(
                    template,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=emailed.ids,
                )
            if "paper" in sendings.mapped("channel"):
                responsible = statement.accountant_id or statement.send_uid or self.env.user
                statement._schedule_activity_for(
                    responsible, "monthly_settlement.mail_activity_statement_withdrawn_paper"
                )

    def action_reopen(self):
        """Back to draft, for a statement cancelled or approved by mistake, never sent."""
        check_settlement_group(self.env, "manager")
        self._check_state({"to_review", "approved", "cancel"}, self.env._("reopen"))
        sent = self.filtered("is_sent")
        if sent:
            raise UserError(
                self.env._(
                    "Statement %(statement)s was sent to the customer: cancelled, it is withdrawn and keeps "
                    "its number and content; it never goes back to draft. Make a new revision to correct it.",
                    statement=sent[0].display_name,
                )
            )
        self._close_review_activities()
        self._transition({"state": "draft"})
        return True

    @api.model
    def _get_statements_with_moves(self, moves):
        """Statements the customer holds (sent and not withdrawn nor replaced by a newer revision:
        `is_with_customer`) that list any of ``moves``, in sudo: one query for any number of moves."""
        if not moves:
            return self.browse()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT statement.id, statement.name
                  FROM monthly_settlement_statement_line line
                  JOIN monthly_settlement_statement statement ON statement.id = line.statement_id
                 WHERE line.move_id = ANY(%(moves)s) AND statement.is_with_customer
                 ORDER BY statement.name, statement.id
                """,
                moves=moves.ids,
            )
        )
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])

    def _get_number(self):
        self.ensure_one()
        if self.name and self.name != "/":
            return self.name
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search([("code", "=", self._name), ("company_id", "=", self.company_id.id)], limit=1)
        )
        if not sequence:
            sequence = sequence.create(
                {
                    "name": self.env._("Customer statements (%(company)s)", company=self.company_id.name),
                    "code": self._name,
                    "company_id": self.company_id.id,
                    "prefix": "ST/%(year)s/",
                    "padding": 5,
                    # Numbers without gaps, so that an auditor can account for each: a submission
                    # that fails after taking a number gives it back.
                    "implementation": "no_gap",
                }
            )
        return sequence.next_by_id(sequence_date=self.period_end)

    def _get_review_candidates(self):
        """Users who may approve this statement: reviewers of its company other than whoever
        submitted it and, with four-eyes review, whoever prepared it.

        Read as superuser: the submitter may not read the companies of other users (a
        salesperson in one company, reviewers in several).
        """
        self.ensure_one()
        reviewers = (
            self.env.ref("monthly_settlement.group_settlement_reviewer")
            .sudo()
            .all_user_ids.filtered(lambda user: self.company_id in user.company_ids and not user.share)
        )
        reviewers -= self.env.user | self.submit_uid
        if self.company_id.settlement_four_eyes:
            reviewers -= self.generate_uid
        return reviewers.with_env(self.env)

    def _schedule_review_activities(self):
        """Ask the responsible accountant, or else every reviewer who may approve, to review."""
        self.ensure_one()
        reviewers = self._get_review_candidates()
        if self.accountant_id in reviewers:
            reviewers = self.accountant_id
        for reviewer in reviewers:
            self._schedule_activity_for(reviewer, "monthly_settlement.mail_activity_statement_review")

    def _schedule_activity_for(self, user, activity_xmlid, note=None, date_deadline=None):
        """An activity for ``user`` with its type's summary in that user's language: the summary
        is copied into the activity when it is made, in the language of the environment."""
        lang = user.sudo().lang or self.env.lang
        return self.with_context(lang=lang).activity_schedule(
            activity_xmlid, user_id=user.id, note=note or "", date_deadline=date_deadline
        )

    def _close_review_activities(self):
        """The review is over (approved, rejected, cancelled...): the other reviewers' requests go
        away silently, the tracked state change in the chatter says who decided what."""
        self.activity_unlink(["monthly_settlement.mail_activity_statement_review"])

    def _check_consistency(self):
        """Refuse to submit figures that no longer match the books (see the engine)."""
        problems = []
        for statements in self._grouped_by_run():
            problems += statements.env["monthly.settlement.engine"]._consistency_problems(statements)
        if problems:
            raise UserError("\n".join(problems))

    # ------------------------------------------------------------------
    # Payment
    # ------------------------------------------------------------------

    @api.model
    def _get_payment_chased_domain(self):
        """Current statements of account whose payment is chased: the customer has received them."""
        return [("is_with_customer", "=", True), ("statement_type", "=", "account")]

    def _compute_amount_open_now(self):
        amounts = self._origin._get_open_amounts()
        for statement in self:
            statement.amount_open_now = amounts.get(statement._origin.id, 0.0)

    def _get_open_amounts(self):
        """{statement id: what is still unpaid today of the documents it lists} (see the engine)."""
        return self.env["monthly.settlement.engine"]._open_amounts(self)

    # ------------------------------------------------------------------
    # Generation (the engine does the work)
    # ------------------------------------------------------------------

    @api.model
    def _generate_statements(self, partners, date_to, since=None, batch_size=GENERATION_BATCH_SIZE, commit=False):
        """Generate the statements of the last period closed on or before ``date_to`` of each
        monthly customer among ``partners``, in the current company.

        :return: (created statements, partners left to another run or a later one)
        """
        self.check_access("create")
        engine = self.env["monthly.settlement.engine"]
        return engine._generate(engine._jobs(partners, date_to, since=since), batch_size=batch_size, commit=commit)

    @api.model
    def _cron_generate_statements(self):
        """Daily: statements of the monthly customers whose period closed in the last days.

        The look-back covers days on which the scheduled action did not run.
        """
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
        since = yesterday - timedelta(days=CRON_CATCH_UP_DAYS - 1)
        # Companies are a handful: no limit needed.
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            statements = self.with_company(company)
            partners = statements.env["res.partner"]._search_monthly_customers(company)
            created, left = statements._generate_statements(partners, yesterday, since=since, commit=True)
            _logger.info(
                "Statements of %s: %s generated, %s customers left to another run or the next one",
                company.name,
                len(created),
                len(left),
            )
            if self.env["ir.cron"]._commit_progress() <= 0:
                return

    def _grouped_by_run(self):
        """Statements split so that each part is one company, one statement date and one type, as
        the engine computes one period per partner at a time."""
        for (company, _period_end, _type), statements in self.grouped(
            lambda statement: (statement.company_id, statement.period_end, statement.statement_type)
        ).items():
            yield statements.with_company(company)
