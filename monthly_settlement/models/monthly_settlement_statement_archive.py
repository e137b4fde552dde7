"""Archiving statements as accounting archives (会计档案): confirmed and deemed-confirmed statements
are frozen with their final files, numbered, hashed and chained per company, kept for their
retention period and destroyed only through an approved destruction list.

The chain itself lives in monthly.settlement.archive.entry (see monthly_settlement_archive.py):
an entry outlives its statement, so a statement deleted behind the application's back is still
accounted for by number.
"""

import csv
import hashlib
import io
import json
import logging
import re
import zipfile

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import date_utils, float_repr, float_round

from ..tools.access import check_settlement_group
from ..tools.cron import process_in_batches

_logger = logging.getLogger(__name__)

ARCHIVABLE_STATES = ("confirmed", "deemed")
ARCHIVE_BATCH_SIZE = 50
# Context keys of the two processes allowed to touch archived statements: archiving itself
# (which writes the link to the archive entry) and an approved destruction list.
ARCHIVING = "monthly_settlement_archiving"
DESTROYING = "monthly_settlement_archive_destruction"
# Bookkeeping that is not content and keeps changing after archiving: the portal link's token,
# the chatter's main attachment and the reports module's background PDF flag.
ARCHIVE_WRITABLE_FIELDS = {"access_token", "message_main_attachment_id", "pdf_queued"}
# pg_advisory_xact_lock(key, company id): one archiving run per company at a time.
ARCHIVE_LOCK_KEY = 0x4D534152  # "MSAR"
GENESIS_HASH = "0" * 64


def sha256_hex(content):
    if isinstance(content, str):
        content = content.encode()
    return hashlib.sha256(content or b"").hexdigest()


def safe_file_name(name):
    """A file or folder name for the ZIPs: no path separators, no control characters."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name or "").strip() or "-"


class MonthlySettlementArchivedDocument(models.AbstractModel):
    """Any document kept in the archive (会计档案): statements here, confirmation letters in the
    audit module. One definition of archiving into the company's chain, freezing, retention,
    destruction holds and integrity; a document model inheriting it gives its type, date, content
    (``_archive_canonical_content``), files (``_get_archive_attachments``) and which of its
    records are ready (``_archive_ready``, ``_archive_pending_domain``)."""

    _name = "monthly.settlement.archived.document"
    _description = "Archived Document"
    # Retention rule type of the documents (a value of monthly.settlement.retention.rule.document_type).
    _archive_document_type = None
    # The document's date: its fiscal year starts the retention period; the chain follows it.
    _archive_date_field = None
    # Bookkeeping fields that may still change once archived.
    _archive_writable_fields = frozenset()

    archive_entry_id = fields.Many2one(
        "monthly.settlement.archive.entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    archive_number = fields.Char(related="archive_entry_id.name", store=True, string="Archive Number")
    archive_date = fields.Datetime(related="archive_entry_id.archive_date", store=True, string="Archived on")
    retention_until = fields.Date(
        related="archive_entry_id.retention_until",
        store=True,
        string="Retained Until",
        help="Last day of the retention period (counted from the day after the end of the document's "
        "fiscal year): the document cannot be destroyed before the next day, and then only through "
        "an approved destruction list.",
    )
    archive_file_ids = fields.One2many(related="archive_entry_id.file_ids", string="Archived Files")
    archive_content_hash = fields.Char(related="archive_entry_id.content_hash", string="Content SHA-256")
    archive_chain_hash = fields.Char(related="archive_entry_id.chain_hash", string="Chain SHA-256")

    # ------------------------------------------------------------------
    # Frozen once archived
    # ------------------------------------------------------------------

    def write(self, vals):
        if vals.keys() - self._archive_writable_fields and not self.env.context.get(ARCHIVING):
            self._check_not_archived()
        return super().write(vals)

    def _check_not_archived(self):
        archived = self.filtered("archive_entry_id")
        if archived:
            raise UserError(
                self.env._(
                    "%(document)s is archived (archive number %(number)s): it can no longer be changed by anyone.",
                    document=archived[0].display_name,
                    number=archived[0].archive_number,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_archived_only_by_destruction(self):
        archived = self.filtered("archive_entry_id")
        if not archived:
            return
        if not self.env.context.get(DESTROYING):
            document = archived[0]
            raise UserError(
                self.env._(
                    "%(document)s is archived and kept until %(date)s: it can only be destroyed after that day, "
                    "through an approved destruction list.",
                    document=document.display_name,
                    date=document.retention_until,
                )
            )
        archived._check_destroyable()

    def _check_destroyable(self, today=None):
        """Refuse unless every document may be destroyed (see `_destruction_holds`)."""
        problems = self._destruction_holds(today=today)
        if problems:
            raise UserError("\n".join(problems.values()))

    def _destruction_holds(self, today=None):
        """{document id: why it may not be destroyed yet}: here, its retention period still running."""
        today = today or fields.Date.context_today(self)
        return {
            document.id: self.env._(
                "%(document)s is kept until %(date)s: it cannot be destroyed before the next day.",
                document=document.display_name,
                date=document.retention_until,
            )
            for document in self
            if document.retention_until and document.retention_until >= today
        }

    def _destroy_archived(self):
        """The last step of an approved destruction list: the documents and their files go (their
        archive entries stay in the chain)."""
        self.with_context(**{DESTROYING: self.env.context.get(DESTROYING, True)}).unlink()

    # ------------------------------------------------------------------
    # Archiving
    # ------------------------------------------------------------------

    def _archive_ready(self):
        """The documents among these that are to be archived (not yet archived)."""
        return self.filtered(lambda document: not document.archive_entry_id)

    @api.model
    def _archive_pending_domain(self, company):
        return [("company_id", "=", company.id), ("archive_entry_id", "=", False)]

    def _archive(self):
        """Archive the documents among these that are ready, one company at a time under the
        company's lock, so that two runs (of any document type) never fork a company's chain.

        :return: (documents archived now, documents left to another run working meanwhile)
        """
        documents = self._archive_ready()
        archived = left = self.browse()
        for company, company_documents in documents.grouped("company_id").items():
            cr = self.env.cr
            cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [ARCHIVE_LOCK_KEY, company.id])
            if not cr.fetchone()[0]:
                left |= company_documents
                continue
            try:
                with cr.savepoint():
                    archived |= company_documents.with_company(company)._archive_in_chain()
                    self.env.flush_all()
            except (psycopg2.IntegrityError, psycopg2.errors.SerializationFailure):
                # Another run archived (some of) them after this transaction's snapshot was taken:
                # what it did stands, and the next run finds what is left.
                self.env.invalidate_all()
                left |= company_documents
        if left:
            _logger.info("%s %s left to another archiving run working meanwhile", len(left), self._name)
        return archived, left

    def _archive_in_chain(self):
        """Hash and chain the documents of one company (its lock held)."""
        Entry = self.env["monthly.settlement.archive.entry"].sudo()
        company = self.company_id
        last = Entry.search([("company_id", "=", company.id)], order="sequence desc", limit=1)
        position, previous_hash = (last.sequence, last.chain_hash) if last else (0, GENESIS_HASH)
        archived = self.browse()
        now = fields.Datetime.now()
        for document in self.sorted(lambda document: (document[document._archive_date_field], document.id)):
            position += 1
            files = [
                {"name": attachment.name, "attachment_id": attachment.id, "sha256": sha256_hex(attachment.raw)}
                for attachment in document._get_archive_attachments()
            ]
            content_hash = sha256_hex(document._archive_canonical_content())
            chain_hash = Entry._chain_hash(previous_hash, content_hash, [file["sha256"] for file in files])
            entry = Entry.with_context(**{ARCHIVING: True}).create(
                {
                    **document._archive_entry_values(),
                    "name": Entry._archive_number(now, position),
                    "sequence": position,
                    "company_id": company.id,
                    "archive_date": now,
                    "archive_uid": self.env.uid,
                    "content_hash": content_hash,
                    "previous_hash": previous_hash,
                    "chain_hash": chain_hash,
                    "file_ids": [fields.Command.create(file) for file in files],
                }
            )
            document.sudo().with_context(**{ARCHIVING: True}).write({"archive_entry_id": entry.id})
            previous_hash = chain_hash
            archived |= document
        return archived

    def _archive_entry_values(self):
        """What the archive entry records of the document besides hashes (it outlives the document)."""
        self.ensure_one()
        document_date = self[self._archive_date_field]
        return {
            "res_model": self._name,
            "res_id": self.id,
            "document_type": self._archive_document_type,
            "statement_name": self.display_name,
            "partner_id": self.partner_id.id,
            "period_end": document_date,
            "retention_until": self._archive_retention_until(),
        }

    def _archive_retention_until(self):
        """Last day of the retention period: the period counts from the first day after the end of
        the fiscal year the document's date falls in (会计档案管理办法 Art. 14)."""
        self.ensure_one()
        company = self.company_id
        _start, year_end = date_utils.get_fiscal_year(
            self[self._archive_date_field], day=company.fiscalyear_last_day, month=int(company.fiscalyear_last_month)
        )
        years = self.env["monthly.settlement.retention.rule"]._retention_years(company, self._archive_document_type)
        return date_utils.get_fiscal_year(
            year_end + relativedelta(years=years),
            day=company.fiscalyear_last_day,
            month=int(company.fiscalyear_last_month),
        )[1]

    def _get_archive_attachments(self):
        """The files frozen and hashed with the document, in the order they are chained."""
        return self.env["ir.attachment"]

    def _archive_canonical_content(self):
        """The document's content as a canonical string (JSON with sorted keys), hashed into the chain."""
        raise NotImplementedError

    def _archive_amount(self):
        """(amount, currency) shown for the document on a destruction list."""
        raise NotImplementedError

    @api.model
    def _cron_archive(self):
        """Archive the documents ready, company by company, in batches committed one by one (a run
        cut short goes on the next day). False when the run was cut short."""
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            pending = self.with_company(company).search(
                self._archive_pending_domain(company), order=f"{self._archive_date_field}, id"
            )
            done = process_in_batches(self.env, pending, ARCHIVE_BATCH_SIZE, lambda batch: batch._archive())
            _logger.info("Archive of %s: %s %s to archive", company.name, len(pending), self._name)
            if not done:
                return False
        return True

    # ------------------------------------------------------------------
    # Integrity
    # ------------------------------------------------------------------

    def _integrity_problems(self):
        """{document id: [problem]} of the archived documents among these whose content, files or
        chain link no longer match what was archived (no key: intact or not archived)."""
        entries = self.sudo().archive_entry_id
        problems = entries._verify()
        result = {}
        for entry in entries:
            document = entry._archived_document()
            if problems.get(entry.id) and document:
                result[document.id] = problems[entry.id]
        return result

    # ------------------------------------------------------------------
    # Packages
    # ------------------------------------------------------------------

    def _archive_folder_name(self):
        """The document's folder in packages, after its archive number."""
        self.ensure_one()
        return self.display_name

    def _archive_files(self):
        """{path: bytes} of the archived files of these documents, one folder per document."""
        files = {}
        for document in self.sudo():
            folder = safe_file_name(f"{document.archive_number}_{document._archive_folder_name()}")
            for archived_file in document.archive_entry_id.file_ids:
                files[f"{folder}/{safe_file_name(archived_file.name)}"] = archived_file.attachment_id.raw or b""
        return files

    def _archive_index(self):
        """Header and rows of the archive index of these documents (CSV, and XLSX in the audit pack)."""
        raise NotImplementedError

    def _archive_index_entry_header(self):
        """The last columns of every archive index: the archive entry's dates and hashes."""
        return [
            self.env._("Archived on"),
            self.env._("Retained Until"),
            self.env._("Content SHA-256"),
            self.env._("Previous Chain SHA-256"),
            self.env._("Chain SHA-256"),
            self.env._("Files (name: SHA-256)"),
        ]

    def _archive_index_entry_row(self):
        """This document's values of the columns of `_archive_index_entry_header`."""
        self.ensure_one()
        entry = self.sudo().archive_entry_id
        return [
            fields.Datetime.to_string(entry.archive_date),
            entry.retention_until.isoformat(),
            entry.content_hash,
            entry.previous_hash,
            entry.chain_hash,
            "; ".join(f"{file.name}: {file.sha256}" for file in entry.file_ids),
        ]

    def _archive_index_csv(self):
        header, rows = self._archive_index()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        return "\ufeff" + buffer.getvalue()  # with a BOM, so that Excel reads the Chinese as UTF-8

    def _verify_archive(self):
        """Verify these archived documents and show the result."""
        check_settlement_group(self.env, "auditor")
        not_archived = self.filtered(lambda document: not document.archive_entry_id)
        if not_archived:
            raise UserError(
                self.env._(
                    "%(document)s is not archived: there is nothing to verify yet.",
                    document=not_archived[0].display_name,
                )
            )
        check = self.env["monthly.settlement.archive.check"]._run(self.company_id[:1], documents=self)
        return check._open_result()


class MonthlySettlementStatementArchive(models.AbstractModel):
    """Part of monthly.settlement.statement, which inherits it: its archive, kept apart."""

    _name = "monthly.settlement.statement.archive"
    _inherit = ["monthly.settlement.archived.document"]
    _description = "Customer Statement Archive"
    _archive_document_type = "statement"
    _archive_date_field = "period_end"
    _archive_writable_fields = ARCHIVE_WRITABLE_FIELDS

    def _destruction_holds(self, today=None):
        """Retention running, or receivables still open (the records of unsettled claims are kept)."""
        holds = super()._destruction_holds(today=today)
        open_amounts = self._get_open_amounts()
        for statement in self:
            if statement.id not in holds and not statement.currency_id.is_zero(open_amounts.get(statement.id, 0.0)):
                holds[statement.id] = self.env._(
                    "Statement %(statement)s lists receivables still open (%(amount)s %(currency)s): the records "
                    "of unsettled claims are kept until they are settled.",
                    statement=statement.display_name,
                    amount=float_repr(open_amounts[statement.id], statement.currency_id.decimal_places),
                    currency=statement.currency_id.name,
                )
        return holds

    # ------------------------------------------------------------------
    # Archiving
    # ------------------------------------------------------------------

    def action_archive_statements(self):
        """Archive the selected confirmed statements now (the daily job does it for new ones)."""
        check_settlement_group(self.env, "manager")
        not_archivable = self.filtered(lambda statement: statement.state not in ARCHIVABLE_STATES)
        if not_archivable:
            raise UserError(
                self.env._(
                    "Statement %(statement)s is not confirmed: only confirmed and deemed-confirmed statements "
                    "are archived.",
                    statement=not_archivable[0].display_name,
                )
            )
        archived, left = self._archive()
        message = self.env._("Statements archived: %(count)s.", count=len(archived))
        if left:
            message += " " + self.env._(
                "Another archiving run is working on this company right now: try again in a moment for "
                "the other %(count)s.",
                count=len(left),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if left else "success",
                "message": message,
                "sticky": bool(left),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _archive_ready(self):
        return (
            super()
            ._archive_ready()
            .filtered(lambda statement: statement.state in ARCHIVABLE_STATES and not statement.superseded_by_id)
        )

    @api.model
    def _archive_pending_domain(self, company):
        return [
            *super()._archive_pending_domain(company),
            ("state", "in", ARCHIVABLE_STATES),
            ("superseded_by_id", "=", False),
        ]

    def _archive_entry_values(self):
        return {**super()._archive_entry_values(), "statement_id": self.id}

    def _archive_amount(self):
        self.ensure_one()
        return self.closing_balance, self.currency_id

    def _archive_folder_name(self):
        self.ensure_one()
        return f"{self.name}_r{self.revision}"

    def _destroy_archived(self):
        """What was sent to the customer goes with the statement."""
        self.sending_ids.with_context(**{DESTROYING: self.env.context.get(DESTROYING, True)}).unlink()
        return super()._destroy_archived()

    def _get_archive_attachments(self):
        """The files frozen and hashed with the statement when it is archived, in the order they
        are chained: the files the customer received, byte for byte, then its final reports,
        rendered now (the PDF shows the confirmation; Odoo's stored report attachment, which may
        predate it, is not reused)."""
        self.ensure_one()
        return self._get_sent_attachments() | self._render_final_reports()

    def _render_final_reports(self):
        """The statement's reports rendered now and attached to it, named after the state they
        show (the files sent keep their own names)."""
        attachments = self.env["ir.attachment"].sudo()
        Report = self.env["ir.actions.report"].sudo().with_context(report_pdf_no_attachment=True)
        state = dict(self._fields["state"]._description_selection(self.env))[self.state]
        for report in self._get_statement_reports():
            content, extension = Report._render(report, self.ids)
            attachments |= attachments.create(
                {
                    "name": self.env._(
                        "%(statement)s (%(state)s).%(extension)s",
                        statement=self._get_report_base_filename(),
                        state=state,
                        extension=extension,
                    ),
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        return attachments

    @api.model
    def _cron_archive_statements(self):
        """Daily: archive the confirmed and deemed-confirmed statements (see `_cron_archive`)."""
        self._cron_archive()

    # ------------------------------------------------------------------
    # Canonical content
    # ------------------------------------------------------------------

    def _archive_canonical_content(self):
        """The statement's content as JSON with sorted keys: header, lines, ageing, approval trail
        and confirmation; amounts as strings with the currency's decimals, dates in ISO format,
        people and records by id (names may change, the archive may not)."""
        self.ensure_one()
        digits = self.currency_id.decimal_places

        def amount(value):
            return float_repr(float_round(value or 0.0, precision_digits=digits), digits)

        def day(value):
            return value.isoformat() if value else None

        header = {
            "company_id": self.company_id.id,
            "number": self.name,
            "revision": self.revision,
            "partner_id": self.partner_id.id,
            "currency": self.currency_id.name,
            "period_start": day(self.period_start),
            "period_end": day(self.period_end),
            "date_due": day(self.date_due),
            "opening_balance": amount(self.opening_balance),
            "period_debit": amount(self.period_debit),
            "period_credit": amount(self.period_credit),
            "closing_balance": amount(self.closing_balance),
            "amount_not_due": amount(self.amount_not_due),
            "amount_overdue": amount(self.amount_overdue),
            "note": self.note or None,
            "confirm_days": self.confirm_days,
            "detail_level": self.detail_level,
        }
        lines = [
            {
                "sequence": line.sequence,
                "line_type": line.line_type,
                "move_id": line.move_id.id or None,
                "name": line.name or None,
                "ref": line.ref or None,
                "date": day(line.date),
                "date_due": day(line.date_due),
                "amount": amount(line.amount),
                "open_amount": amount(line.open_amount),
                "balance": amount(line.balance),
                "is_disputed": line.is_disputed,
                "dispute_comment": line.dispute_comment or None,
            }
            for line in self.line_ids.sorted(lambda line: (line.sequence, line.id))
        ]
        products = [
            {
                "line_sequence": detail.line_id.sequence,
                "sequence": detail.sequence,
                "product_id": detail.product_id.id or None,
                "name": detail.name or None,
                "quantity": float_repr(detail.quantity, 6),
                "uom_id": detail.uom_id.id or None,
                "price_unit": float_repr(detail.price_unit, 6),
                "discount": float_repr(detail.discount, 6),
                "tax_label": detail.tax_label or None,
                "amount": amount(detail.amount),
            }
            for detail in self.detail_ids.sorted(lambda detail: (detail.line_id.sequence, detail.sequence, detail.id))
        ]
        ageing = [
            {
                "sequence": bucket.sequence,
                "days_from": bucket.days_from,
                "days_to": bucket.days_to,
                "amount": amount(bucket.amount),
            }
            for bucket in self.ageing_ids.sorted(lambda bucket: (bucket.sequence, bucket.id))
        ]
        trail = {
            f"{stamp}_{kind}": (self[f"{stamp}_uid"].id or None) if kind == "uid" else day(self[f"{stamp}_date"])
            for stamp in ("generate", "submit", "approve", "reject", "send")
            for kind in ("uid", "date")
        }
        trail["post_date"] = day(self.post_date)
        signature = self.with_context(bin_size=False).confirm_signature
        confirmation = {
            "state": self.state,
            "answer_date": day(self.answer_date),
            "answer_channel": self.answer_channel or None,
            "answer_uid": self.answer_uid.id or None,
            "confirm_name": self.confirm_name or None,
            "confirm_ip": self.confirm_ip or None,
            "confirm_signature_sha256": sha256_hex(signature) if signature else None,
            "dispute_comment": self.dispute_comment or None,
            "answer_attachment_id": self.answer_attachment_id.id or None,
            "answer_attachment_sha256": sha256_hex(self.answer_attachment_id.sudo().raw)
            if self.answer_attachment_id
            else None,
        }
        content = {
            "header": header,
            "lines": lines,
            "products": products,
            "ageing": ageing,
            "trail": trail,
            "confirmation": confirmation,
        }
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    # ------------------------------------------------------------------
    # Integrity
    # ------------------------------------------------------------------

    def action_verify_integrity(self):
        """Verify the selected archived statements and show the result."""
        return self._verify_archive()

    # ------------------------------------------------------------------
    # Packages: a customer's year, the auditors' pack
    # ------------------------------------------------------------------

    def action_download_archive_year(self):
        """The ZIP of every archived statement of this customer in this statement's fiscal year."""
        self._check_archive_download()
        return {
            "type": "ir.actions.act_url",
            "url": f"/monthly_settlement/archive/{self.id}/year.zip",
            "target": "self",
        }

    def _archive_year_statements(self):
        """The archived statements of this statement's customer and fiscal year, in its company."""
        self.ensure_one()
        company = self.company_id
        start, end = date_utils.get_fiscal_year(
            self.period_end, day=company.fiscalyear_last_day, month=int(company.fiscalyear_last_month)
        )
        statements = self.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", self.partner_id.id),
                ("archive_entry_id", "!=", False),
                ("period_end", ">=", start),
                ("period_end", "<=", end),
            ],
            order="period_end, id",
        )
        return statements, end

    def _check_archive_download(self):
        self.ensure_one()
        check_settlement_group(self.env, "auditor")
        if not self.archive_entry_id:
            raise UserError(self.env._("Statement %(statement)s is not archived yet.", statement=self.display_name))

    def _archive_year_zip(self):
        """(file name, ZIP bytes) of the customer's archived year (see `_archive_package`)."""
        self._check_archive_download()
        statements, year_end = self._archive_year_statements()
        name = self.env._(
            "Archive %(customer)s %(year)s.zip", customer=safe_file_name(self.partner_id.name), year=year_end.year
        )
        return name, self._archive_zip(statements._archive_package())

    def _archive_package(self, extra_files=None):
        """{path: bytes} of the archived files of these statements (one folder per statement),
        a CSV index, ``extra_files`` and a SHA256SUMS manifest of all of them, which
        ``sha256sum -c SHA256SUMS`` verifies once extracted."""
        files = self._archive_files()
        files[self.env._("index.csv")] = self._archive_index_csv()
        files.update(extra_files or {})
        files["SHA256SUMS"] = "".join(f"{sha256_hex(content)}  {path}\n" for path, content in sorted(files.items()))
        return files

    @api.model
    def _archive_zip(self, files):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, content in files.items():
                archive.writestr(path, content)
        return buffer.getvalue()

    def _archive_index(self):
        """Header and rows of the archive index of these statements (CSV here, XLSX in the audit pack)."""
        states = dict(self._fields["state"]._description_selection(self.env))
        header = [
            self.env._("Archive Number"),
            self.env._("Statement"),
            self.env._("Revision"),
            self.env._("Customer"),
            self.env._("Currency"),
            self.env._("Period Start"),
            self.env._("Statement Date"),
            self.env._("Opening Balance"),
            self.env._("Invoiced"),
            self.env._("Credited and Paid"),
            self.env._("Closing Balance"),
            self.env._("Status"),
            self.env._("Prepared by"),
            self.env._("Approved by"),
            self.env._("Sent on"),
            self.env._("Answered on"),
            self.env._("Answered by"),
            *self._archive_index_entry_header(),
        ]
        rows = []
        for statement in self.sudo():
            digits = statement.currency_id.decimal_places
            rows.append(
                [
                    statement.archive_number,
                    statement.name,
                    statement.revision,
                    statement.partner_id.display_name,
                    statement.currency_id.name,
                    statement.period_start.isoformat(),
                    statement.period_end.isoformat(),
                    *(
                        float_repr(statement[name], digits)
                        for name in ("opening_balance", "period_debit", "period_credit", "closing_balance")
                    ),
                    states[statement.state],
                    (statement.submit_uid or statement.generate_uid).name or "",
                    statement.approve_uid.name or "",
                    fields.Datetime.to_string(statement.send_date) or "",
                    fields.Datetime.to_string(statement.answer_date) or "",
                    statement.confirm_name or "",
                    *statement._archive_index_entry_row(),
                ]
            )
        return header, rows


class MonthlySettlementStatementArchiveDetail(models.AbstractModel):
    """Lines, product lines and ageing of a statement: as the customer received them once the
    statement is sent (only the customer's answer moves on them), unchanged by anyone once it is
    archived."""

    _name = "monthly.settlement.statement.archive.detail"
    _description = "Statement Content"
    # The statement's one2many these records belong to, and the fields that still move once it is
    # sent: the customer's answer and what follows from it (invoicing confirmed deliveries).
    _statement_content_field = None
    _fields_moving_after_sending = frozenset()

    def _check_statement_content(self, statements, only_moving_fields=False):
        statements._check_not_archived()
        if not only_moving_fields:
            statements._check_content_unchanged({self._statement_content_field})

    @api.model_create_multi
    def create(self, vals_list):
        statement_ids = {vals.get("statement_id") for vals in vals_list} - {None}
        self._check_statement_content(self.env["monthly.settlement.statement"].browse(statement_ids))
        return super().create(vals_list)

    def write(self, vals):
        self._check_statement_content(
            self.statement_id, only_moving_fields=vals.keys() <= self._fields_moving_after_sending
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_not_sent_nor_archived(self):
        if not self.env.context.get(DESTROYING):
            self._check_statement_content(self.statement_id)
