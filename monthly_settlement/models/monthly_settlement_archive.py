"""The archive's own records: the per-company chain of archive entries with the hashes of the
archived files, retention rules, integrity checks and destruction lists (销毁清册)."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.access import check_settlement_group, has_settlement_group
from .monthly_settlement_statement_archive import ARCHIVING, DESTROYING, GENESIS_HASH, sha256_hex

# 会计档案管理办法 appendix: 银行对账单 and 银行存款余额调节表, the items closest to customer
# statements, are kept 10 years; the appendix's periods are minimums (Art. 15).
DEFAULT_RETENTION_YEARS = 10
# The document types of the archive; each is a model inheriting monthly.settlement.archived.document
# (confirmation letters: in monthly_settlement_audit). Letters are not in the appendix either: the
# same 10 years, the period of audit working papers too.
DOCUMENT_TYPES = [("statement", "Customer statements"), ("confirmation_letter", "Balance confirmation letters")]
# Keeps the archive: prepares and executes destruction lists (see readme/CONFIGURE.md).
ARCHIVIST_GROUP = "monthly_settlement.group_settlement_archivist"


class MonthlySettlementArchiveRecord(models.AbstractModel):
    """Archive entries and their files: made by archiving, never changed (but for the mark of a
    destruction list), never deleted."""

    _name = "monthly.settlement.archive.record"
    _description = "Statement Archive Record"

    def write(self, vals):
        if not self.env.context.get(DESTROYING):
            raise UserError(self.env._("Archive entries are written once, when a document is archived."))
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get(ARCHIVING):
            raise UserError(self.env._("Archive entries are made by archiving documents."))
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Archive entries are never deleted: destroyed documents keep theirs."))


class MonthlySettlementArchiveEntry(models.Model):
    """One link of a company's archive chain: written once when a statement is archived, never
    changed; it stays when its statement is destroyed (or deleted behind the application's back),
    so the chain accounts for every archived statement by number."""

    _name = "monthly.settlement.archive.entry"
    _inherit = ["monthly.settlement.archive.record"]
    _description = "Statement Archive Entry"
    _order = "company_id, sequence"
    _check_company_auto = True

    name = fields.Char(string="Archive Number", required=True, readonly=True)
    sequence = fields.Integer(string="Position in Chain", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    statement_id = fields.Many2one(
        "monthly.settlement.statement", readonly=True, ondelete="set null", index="btree_not_null"
    )
    # Any archived document (see monthly.settlement.archived.document): statements also keep
    # statement_id, other types (confirmation letters) only their model and id.
    res_model = fields.Char(string="Document Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Document ID", model_field="res_model", readonly=True)
    document_type = fields.Selection(DOCUMENT_TYPES, readonly=True, default="statement")
    statement_name = fields.Char(string="Document Number", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, ondelete="set null")
    period_end = fields.Date(string="Document Date", readonly=True)
    archive_date = fields.Datetime(string="Archived on", readonly=True)
    archive_uid = fields.Many2one("res.users", string="Archived by", readonly=True, ondelete="set null")
    retention_until = fields.Date(string="Retained Until", readonly=True)
    content_hash = fields.Char(string="Content SHA-256", readonly=True)
    previous_hash = fields.Char(string="Previous Chain SHA-256", readonly=True)
    chain_hash = fields.Char(string="Chain SHA-256", readonly=True)
    file_ids = fields.One2many("monthly.settlement.archive.file", "entry_id", string="Files", readonly=True)
    destruction_id = fields.Many2one(
        "monthly.settlement.archive.destruction", string="Destroyed by List", readonly=True, ondelete="restrict"
    )

    _unique_position = models.Constraint(
        "UNIQUE (company_id, sequence)", "Each position of a company's archive chain is taken once."
    )
    _unique_statement = models.Constraint("UNIQUE (statement_id)", "A statement is archived once.")
    _unique_document = models.UniqueIndex("(res_model, res_id) WHERE res_model IS NOT NULL")

    @api.model
    def _chain_hash(self, previous_hash, content_hash, file_hashes):
        """sha256(previous chain hash + content hash + the files' hashes, in the files' order)."""
        return sha256_hex(previous_hash + content_hash + "".join(file_hashes))

    @api.model
    def _archive_number(self, archived_on, position):
        return f"ARC/{archived_on.year}/{position:06d}"

    # ------------------------------------------------------------------
    # Verification
    # ------------------------------------------------------------------

    def _label(self):
        self.ensure_one()
        return self.env._("%(statement)s (archive number %(number)s)", statement=self.statement_name, number=self.name)

    def _verify(self):
        """{entry id: [problem]}: recompute every content hash, file hash and chain link of these
        entries and list every break, never stopping at the first. Entries missing from the chain
        are reported on the entry that follows the gap (the end of the chain is checked against
        the last check, see monthly.settlement.archive.check)."""
        problems = defaultdict(list)
        entries = self.sudo().sorted(lambda entry: (entry.company_id.id, entry.sequence))
        for entry in entries:
            problems[entry.id] += entry._verify_content_and_files()
        # Links: each entry's previous hash is the chain hash of the entry before it.
        positions = {(entry.company_id.id, entry.sequence): entry for entry in self.sudo()._chain_neighbours(entries)}
        for entry in entries:
            recomputed = self._chain_hash(entry.previous_hash, entry.content_hash, entry.file_ids.mapped("sha256"))
            if recomputed != entry.chain_hash:
                problems[entry.id].append(
                    self.env._("%(entry)s: its chain hash does not match its recorded hashes.", entry=entry._label())
                )
            previous = positions.get((entry.company_id.id, entry.sequence - 1))
            expected = previous.chain_hash if previous else (GENESIS_HASH if entry.sequence == 1 else None)
            if expected is None:
                problems[entry.id].append(
                    self.env._(
                        "%(entry)s: the archive entry before it (position %(position)s) is missing from the chain: "
                        "deleted outside the application.",
                        entry=entry._label(),
                        position=entry.sequence - 1,
                    )
                )
            elif entry.previous_hash != expected:
                problems[entry.id].append(
                    self.env._("%(entry)s: the chain link to the entry before it is broken.", entry=entry._label())
                )
        return {entry_id: found for entry_id, found in problems.items() if found}

    def _chain_neighbours(self, entries):
        """These entries and the ones just before each of them in their chain."""
        wanted = {(entry.company_id.id, entry.sequence - 1) for entry in entries if entry.sequence > 1}
        wanted -= {(entry.company_id.id, entry.sequence) for entry in entries}
        neighbours = self.browse()
        for company_id, sequences in self._group_positions(wanted).items():
            neighbours |= self.search([("company_id", "=", company_id), ("sequence", "in", sequences)])
        return entries | neighbours

    @staticmethod
    def _group_positions(positions):
        grouped = defaultdict(list)
        for company_id, sequence in positions:
            grouped[company_id].append(sequence)
        return grouped

    def _archived_document(self):
        """The archived document of this entry (superuser), empty once it no longer exists."""
        self.ensure_one()
        if self.res_model and self.res_model in self.env:
            return self.env[self.res_model].sudo().browse(self.res_id).exists()
        return self.sudo().statement_id

    def _verify_content_and_files(self):
        """This entry's document and files against the hashes recorded when it was archived."""
        self.ensure_one()
        problems = []
        if self.destruction_id:
            return problems  # destroyed by an approved list: only its chain link remains to check
        document = self._archived_document()
        if not document:
            return [
                self.env._(
                    "%(entry)s: the archived document no longer exists: deleted outside the application.",
                    entry=self._label(),
                )
            ]
        if sha256_hex(document._archive_canonical_content()) != self.content_hash:
            problems.append(
                self.env._(
                    "%(entry)s: its content (figures, lines, ageing, trail or answer) changed.",
                    entry=self._label(),
                )
            )
        for archived_file in self.file_ids:
            attachment = archived_file.attachment_id
            if not attachment:
                problems.append(
                    self.env._("%(entry)s: file “%(file)s” is missing.", entry=self._label(), file=archived_file.name)
                )
            elif sha256_hex(attachment.raw) != archived_file.sha256:
                problems.append(
                    self.env._(
                        "%(entry)s: file “%(file)s” changed or is unreadable.",
                        entry=self._label(),
                        file=archived_file.name,
                    )
                )
        return problems


class MonthlySettlementArchiveFile(models.Model):
    """A file archived with a statement and its SHA-256 at archiving."""

    _name = "monthly.settlement.archive.file"
    _inherit = ["monthly.settlement.archive.record"]
    _description = "Archived Statement File"
    _order = "entry_id, id"

    entry_id = fields.Many2one("monthly.settlement.archive.entry", required=True, ondelete="cascade", index=True)
    name = fields.Char(string="File", required=True, readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True, ondelete="set null")
    sha256 = fields.Char(string="SHA-256", required=True, readonly=True)
    company_id = fields.Many2one(related="entry_id.company_id")


class MonthlySettlementRetentionRule(models.Model):
    """How long a company keeps a type of archived document (the default applies without a rule)."""

    _name = "monthly.settlement.retention.rule"
    _description = "Archive Retention Rule"
    _order = "company_id, document_type"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    document_type = fields.Selection(DOCUMENT_TYPES, required=True, default="statement")
    years = fields.Integer(
        string="Retention (Years)",
        required=True,
        default=DEFAULT_RETENTION_YEARS,
        help="Counted from the first day after the end of the fiscal year of the document. 10 years is "
        "the period of bank statements and reconciliations, the closest items of the appendix of the "
        "会计档案管理办法; 30 years where confirmed statements serve as supporting vouchers.",
    )

    _unique_rule = models.Constraint(
        "UNIQUE (company_id, document_type)", "A company has one retention rule per type of document."
    )

    @api.constrains("years")
    def _check_years(self):
        for rule in self:
            if rule.years < DEFAULT_RETENTION_YEARS:
                raise ValidationError(
                    self.env._(
                        "Statements and confirmation letters are kept at least %(years)s years (the appendix's "
                        "periods are minimums).",
                        years=DEFAULT_RETENTION_YEARS,
                    )
                )

    @api.model
    def _retention_years(self, company, document_type):
        rule = self.sudo().search([("company_id", "=", company.id), ("document_type", "=", document_type)], limit=1)
        return rule.years if rule else DEFAULT_RETENTION_YEARS


class MonthlySettlementArchiveCheck(models.Model):
    """One integrity verification: of a company's whole chain (button or weekly job) or of
    some statements, with every break it found."""

    _name = "monthly.settlement.archive.check"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Archive Integrity Check"
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    scope = fields.Selection(
        [("chain", "Whole chain"), ("statements", "Selected statements")], required=True, readonly=True
    )
    statement_ids = fields.Many2many(
        "monthly.settlement.statement",
        "monthly_settlement_archive_check_statement_rel",
        string="Statements",
        readonly=True,
    )
    broken_statement_ids = fields.Many2many(
        "monthly.settlement.statement",
        "monthly_settlement_archive_check_broken_rel",
        string="Broken Statements",
        readonly=True,
    )
    check_uid = fields.Many2one("res.users", string="Checked by", readonly=True)
    check_date = fields.Datetime(string="Checked on", readonly=True)
    entry_count = fields.Integer(string="Entries Checked", readonly=True)
    problem_count = fields.Integer(string="Breaks Found", readonly=True)
    result = fields.Text(readonly=True)
    is_intact = fields.Boolean(string="Intact", readonly=True)
    last_sequence = fields.Integer(string="Chain Length", readonly=True)
    last_chain_hash = fields.Char(string="Last Chain SHA-256", readonly=True)

    @api.depends("check_date", "company_id")
    def _compute_name(self):
        for check in self:
            check.name = self.env._(
                "Integrity check of %(company)s, %(date)s",
                company=check.company_id.name,
                date=fields.Datetime.to_string(check.check_date),
            )

    @api.model
    def _run(self, company, documents=None):
        """Verify the chain of ``company`` (or only the archived ``documents``, of any type) and
        record the result."""
        check_settlement_group(self.env, "auditor")
        Entry = self.env["monthly.settlement.archive.entry"].sudo()
        if documents is None:
            entries = Entry.search([("company_id", "=", company.id)])
        else:
            entries = documents.sudo().archive_entry_id
        statements = documents if documents is not None and documents._name == "monthly.settlement.statement" else None
        problems = entries._verify()
        lines = [problem for entry in entries for problem in problems.get(entry.id, [])]
        last = entries[-1:]
        if documents is None:
            lines += self._chain_end_problems(company, last)
        result = "\n".join(lines) or self.env._(
            "All %(count)s archive entries are intact: contents, files and chain links match.", count=len(entries)
        )
        return (
            self.sudo()
            .create(
                {
                    "company_id": company.id,
                    "scope": "chain" if documents is None else "statements",
                    "statement_ids": [fields.Command.set(statements.ids if statements else [])],
                    "broken_statement_ids": [
                        fields.Command.set(entries.filtered(lambda entry: entry.id in problems).statement_id.ids)
                    ],
                    "check_uid": self.env.uid,
                    "check_date": fields.Datetime.now(),
                    "entry_count": len(entries),
                    "problem_count": len(lines),
                    "result": result,
                    "is_intact": not lines,
                    "last_sequence": last.sequence,
                    "last_chain_hash": last.chain_hash,
                }
            )
            .with_env(self.env)
        )

    def _chain_end_problems(self, company, last):
        """The end of the chain against the previous check of the whole chain: entries deleted at
        the end leave no gap, but the chain is then shorter than it was, or ends differently."""
        previous = self.sudo().search([("company_id", "=", company.id), ("scope", "=", "chain")], limit=1)
        if not previous.last_sequence:
            return []
        entry = (
            self.env["monthly.settlement.archive.entry"]
            .sudo()
            .search([("company_id", "=", company.id), ("sequence", "=", previous.last_sequence)])
        )
        if entry.chain_hash == previous.last_chain_hash:
            return []
        return [
            self.env._(
                "The chain no longer holds the entry that ended it at the last check (position %(position)s, "
                "checked on %(date)s): entries deleted or rewritten outside the application.",
                position=previous.last_sequence,
                date=fields.Datetime.to_string(previous.check_date),
            )
        ]

    def _open_result(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Integrity Check"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def action_verify_chain(self):
        """Verify the whole chain of the current company (menu)."""
        return self._run(self.env.company)._open_result()

    @api.model
    def _cron_verify_chains(self):
        """Weekly: verify every company's chain; on a break, an activity for the responsible
        accountants of the statements concerned, else the company's settlement managers."""
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            if not self.env["monthly.settlement.archive.entry"].sudo().search_count([("company_id", "=", company.id)]):
                continue
            check = self.with_company(company)._run(company)
            if not check.is_intact:
                check._notify_break()
            if self.env["ir.cron"]._commit_progress(1) <= 0:
                return

    def _notify_break(self):
        self.ensure_one()
        users = self.sudo().broken_statement_ids.accountant_id
        if not users:
            users = (
                self.env.ref("monthly_settlement.group_settlement_manager")
                .sudo()
                .all_user_ids.filtered(lambda user: self.company_id in user.company_ids and not user.share)
            )
        for user in users:
            check = self.with_context(lang=user.lang or self.env.lang)
            check.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=check.env._("Statement archive integrity broken"),
                note=Markup("<p>%s</p>") % self.result,
            )


class MonthlySettlementArchiveDestruction(models.Model):
    """A destruction list (销毁清册): archived statements past their retention period and settled,
    proposed by the archivist, approved by a settlement manager, then destroyed, each step recorded."""

    _name = "monthly.settlement.archive.destruction"
    _inherit = ["mail.thread"]
    _description = "Archive Destruction List"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, default="/", copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company, index=True
    )
    date = fields.Date(
        string="Retention Over Before",
        required=True,
        default=fields.Date.context_today,
        help="Statements whose retention period ended before this day are proposed.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("destroyed", "Destroyed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    line_ids = fields.One2many("monthly.settlement.archive.destruction.line", "destruction_id", readonly=True)
    prepare_uid = fields.Many2one("res.users", string="Prepared by", readonly=True)
    prepare_date = fields.Datetime(string="Prepared on", readonly=True)
    approve_uid = fields.Many2one("res.users", string="Approved by", readonly=True)
    approve_date = fields.Datetime(string="Approved on", readonly=True)
    destroy_uid = fields.Many2one("res.users", string="Destroyed by", readonly=True)
    destroy_date = fields.Datetime(string="Destroyed on", readonly=True)
    note = fields.Text(string="Opinion", help="The approver's opinion on the list (鉴定意见).")

    def _check_archivist(self):
        """Archivists and settlement managers prepare and execute destruction lists."""
        if not (has_settlement_group(self.env, "manager") or self.env.user.has_group(ARCHIVIST_GROUP)):
            raise AccessError(
                self.env._("Only archivists and settlement managers may prepare or execute destruction lists.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_archivist()
        destructions = super().create(vals_list)
        for destruction in destructions:
            destruction.sudo().write(
                {
                    "name": self.env._("Destruction list %(number)s", number=destruction.id),
                    "prepare_uid": self.env.uid,
                    "prepare_date": fields.Datetime.now(),
                }
            )
        return destructions

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(destruction.state != "draft" for destruction in self):
            raise UserError(self.env._("Approved and executed destruction lists are kept."))

    def action_propose(self):
        """Fill the list with the company's archived documents (statements, letters) past retention,
        free of holds and not on another list."""
        self._check_archivist()
        self._check_list_state("draft")
        Entry = self.env["monthly.settlement.archive.entry"].sudo()
        for destruction in self:
            entries = Entry.search(
                [
                    ("company_id", "=", destruction.company_id.id),
                    ("destruction_id", "=", False),
                    ("retention_until", "<", destruction.date),
                ],
                order="period_end, sequence",
            )
            listed = (
                self.env["monthly.settlement.archive.destruction.line"]
                .sudo()
                .search([("entry_id", "in", entries.ids), ("destruction_id.state", "!=", "destroyed")])
            )
            entries -= listed.entry_id
            documents = {entry: entry._archived_document() for entry in entries}
            holds = set()
            for model in {document._name for document in documents.values() if document}:
                of_model = (
                    self.env[model]
                    .sudo()
                    .browse([document.id for document in documents.values() if document._name == model])
                )
                holds |= {(model, document_id) for document_id in of_model._destruction_holds(today=destruction.date)}
            destruction.line_ids.sudo().unlink()
            lines = []
            for entry, document in documents.items():
                if not document or (document._name, document.id) in holds:
                    continue
                amount, currency = document._archive_amount()
                lines.append(
                    fields.Command.create(
                        {
                            "statement_id": entry.statement_id.id,
                            "entry_id": entry.id,
                            "statement_name": document.display_name,
                            "partner_name": document.partner_id.display_name,
                            "period_end": entry.period_end,
                            "closing_balance": amount,
                            "currency_id": currency.id,
                            "retention_until": entry.retention_until,
                        }
                    )
                )
            destruction.sudo().write({"line_ids": lines})
        return True

    def action_approve(self):
        check_settlement_group(self.env, "manager")
        self._check_list_state("draft")
        for destruction in self:
            if not destruction.line_ids:
                raise UserError(self.env._("The destruction list is empty: propose its statements first."))
            if destruction.prepare_uid == self.env.user:
                raise UserError(self.env._("You prepared this destruction list, so another manager must approve it."))
        self.sudo().write({"state": "approved", "approve_uid": self.env.uid, "approve_date": fields.Datetime.now()})
        return True

    def action_destroy(self):
        """Destroy the statements of approved lists and their archived files; their archive entries
        stay in the chain, marked with this list."""
        self._check_archivist()
        self._check_list_state("approved")
        for destruction in self:
            entries = destruction.line_ids.entry_id.sudo()
            documents = [entry._archived_document() for entry in entries]
            for document in documents:
                document._check_destroyable()
            entries.with_context(**{DESTROYING: destruction.id}).write({"destruction_id": destruction.id})
            # Their files (the archived ones among them) go with them.
            for document in documents:
                document.with_context(**{DESTROYING: destruction.id})._destroy_archived()
            destruction.sudo().write(
                {"state": "destroyed", "destroy_uid": self.env.uid, "destroy_date": fields.Datetime.now()}
            )
            destruction.message_post(
                body=self.env._(
                    "%(count)s documents and their files destroyed; their archive entries remain in the chain.",
                    count=len(entries),
                )
            )
        return True

    def _check_list_state(self, state):
        wrong = self.filtered(lambda destruction: destruction.state != state)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Destruction list %(name)s is “%(state)s”: this step is for lists that are “%(expected)s”.",
                    name=wrong[0].name,
                    state=labels[wrong[0].state],
                    expected=labels[state],
                )
            )


class MonthlySettlementArchiveDestructionLine(models.Model):
    _name = "monthly.settlement.archive.destruction.line"
    _description = "Archive Destruction List Line"
    _order = "destruction_id, period_end, id"

    destruction_id = fields.Many2one(
        "monthly.settlement.archive.destruction", required=True, ondelete="cascade", index=True
    )
    statement_id = fields.Many2one("monthly.settlement.statement", ondelete="set null", index="btree_not_null")
    entry_id = fields.Many2one("monthly.settlement.archive.entry", string="Archive Entry", ondelete="restrict")
    archive_number = fields.Char(related="entry_id.name")
    statement_name = fields.Char(string="Document Number")
    partner_name = fields.Char(string="Customer")
    period_end = fields.Date(string="Statement Date")
    closing_balance = fields.Monetary()
    currency_id = fields.Many2one("res.currency")
    retention_until = fields.Date(string="Retained Until")


# Lines, product lines and ageing are frozen with their statement once sent or archived (see the mixin).
class MonthlySettlementStatementLine(models.Model):
    _name = "monthly.settlement.statement.line"
    _inherit = ["monthly.settlement.statement.line", "monthly.settlement.statement.archive.detail"]
    _statement_content_field = "line_ids"
    _fields_moving_after_sending = frozenset({"is_disputed", "dispute_comment"})


class MonthlySettlementStatementAgeing(models.Model):
    _name = "monthly.settlement.statement.ageing"
    _inherit = ["monthly.settlement.statement.ageing", "monthly.settlement.statement.archive.detail"]
    _statement_content_field = "ageing_ids"


class MonthlySettlementStatementDetail(models.Model):
    _name = "monthly.settlement.statement.detail"
    _inherit = ["monthly.settlement.statement.detail", "monthly.settlement.statement.archive.detail"]
    _statement_content_field = "detail_ids"
