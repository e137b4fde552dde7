"""Confirmation letters in the archive (会计档案): answered, deemed-agreed and no-reply letters are
archived like statements, in the same per-company chain (see monthly.settlement.archived.document
in the core module): their content and the PDF sent hashed, then frozen for everyone."""

import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr, float_round

ARCHIVABLE_LETTER_STATES = ("answered", "deemed", "no_reply")


class MonthlySettlementConfirmationLetter(models.Model):
    _name = "monthly.settlement.confirmation.letter"
    _inherit = ["monthly.settlement.confirmation.letter", "monthly.settlement.archived.document"]

    _archive_document_type = "confirmation_letter"
    _archive_date_field = "balance_date"
    # The portal link's token and the chatter's main attachment keep changing after archiving.
    _archive_writable_fields = frozenset({"access_token", "message_main_attachment_id"})

    def _archive_ready(self):
        return super()._archive_ready().filtered(lambda letter: letter.state in ARCHIVABLE_LETTER_STATES)

    @api.model
    def _archive_pending_domain(self, company):
        return [*super()._archive_pending_domain(company), ("state", "in", ARCHIVABLE_LETTER_STATES)]

    @api.model
    def _cron_archive_letters(self):
        """Daily: archive the answered, deemed-agreed and no-reply letters, in the company's chain."""
        self._cron_archive()

    def _record_reply(self, agree, amount=None, comment=None, name=None, ip=None, author=None):
        """An archived letter is final: a late reply is refused (before anything is written)."""
        if self.archive_entry_id:
            raise UserError(self.env._("This letter is not waiting for your answer any more."))
        return super()._record_reply(agree, amount=amount, comment=comment, name=name, ip=ip, author=author)

    def _get_archive_attachments(self):
        """The PDF the customer was sent (its bytes kept since sending)."""
        self.ensure_one()
        return self.sudo().sent_pdf_id

    def _archive_amount(self):
        self.ensure_one()
        return self.sudo().balance, self.currency_id

    def action_verify_integrity(self):
        """Verify the selected archived letters and show the result."""
        return self._verify_archive()

    def _archive_canonical_content(self):
        """The letter as JSON with sorted keys: header, balance(s), form, deadline, sending and the
        answer (kind, amount, comment, who, when, from which IP); amounts as strings with the
        currency's decimals, dates in ISO format, people and records by id."""
        self.ensure_one()
        letter = self.sudo()
        digits = letter.currency_id.decimal_places

        def amount(value, places=digits):
            return float_repr(float_round(value or 0.0, precision_digits=places), places)

        content = {
            "header": {
                "company_id": letter.company_id.id,
                "number": letter.name,
                "partner_id": letter.partner_id.id,
                "currency": letter.currency_id.name,
                "form": letter.form,
                "balance_date": letter.balance_date.isoformat(),
                "reply_deadline": letter.reply_deadline.isoformat(),
            },
            "balance": {
                "balance": amount(letter.balance),
                "by_currency": {
                    key: float_repr(value or 0.0, 6)
                    for key, value in sorted((letter.currency_balance_data or {}).items())
                },
            },
            "sending": {
                "send_date": fields.Datetime.to_string(letter.send_date) or None,
                "send_uid": letter.send_uid.id or None,
                "sent_pdf_sha256": letter.sent_pdf_sha256 or None,
            },
            "answer": {
                "state": letter.state,
                "reply_kind": letter.reply_kind or None,
                "reply_amount": amount(letter.reply_amount) if letter.reply_kind else None,
                "reply_comment": letter.reply_comment or None,
                "reply_name": letter.reply_name or None,
                "reply_date": fields.Datetime.to_string(letter.reply_date) or None,
                "reply_ip": letter.reply_ip or None,
            },
        }
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    # ------------------------------------------------------------------
    # Audit pack
    # ------------------------------------------------------------------

    def _archive_index(self):
        """Header and rows of the index of these archived letters (CSV and XLSX in the audit pack)."""
        states = dict(self._fields["state"]._description_selection(self.env))
        forms = dict(self._fields["form"]._description_selection(self.env))
        kinds = dict(self._fields["reply_kind"]._description_selection(self.env))
        header = [
            self.env._("Archive Number"),
            self.env._("Letter"),
            self.env._("Customer"),
            self.env._("Currency"),
            self.env._("Balance Date"),
            self.env._("Form"),
            self.env._("Our Balance"),
            self.env._("Reply Deadline"),
            self.env._("Status"),
            self.env._("Sent on"),
            self.env._("Reply"),
            self.env._("Their Balance"),
            self.env._("Answered by"),
            self.env._("Answered on"),
            self.env._("Answered from (IP)"),
            self.env._("Their Comment"),
            *self._archive_index_entry_header(),
        ]
        rows = []
        for letter in self.sudo():
            digits = letter.currency_id.decimal_places
            rows.append(
                [
                    letter.archive_number,
                    letter.name,
                    letter.partner_id.display_name,
                    letter.currency_id.name,
                    letter.balance_date.isoformat(),
                    forms[letter.form],
                    float_repr(letter.balance, digits),
                    letter.reply_deadline.isoformat(),
                    states[letter.state],
                    fields.Datetime.to_string(letter.send_date) or "",
                    kinds.get(letter.reply_kind, ""),
                    float_repr(letter.reply_amount, digits) if letter.reply_kind else "",
                    letter.reply_name or "",
                    fields.Datetime.to_string(letter.reply_date) or "",
                    letter.reply_ip or "",
                    letter.reply_comment or "",
                    *letter._archive_index_entry_row(),
                ]
            )
        return header, rows
