from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.monthly_settlement.models.monthly_settlement_statement_archive import DESTROYING

# What makes an attachment another file, or another record's.
CONTENT_FIELDS = {"raw", "datas", "db_datas", "res_model", "res_id"}


class IrAttachment(models.Model):
    """The PDF a customer was sent with a confirmation letter stays as sent: no one deletes or
    replaces it, administrators included (its SHA-256 on the letter proves it)."""

    _inherit = "ir.attachment"

    def _check_not_sent_letter_pdf(self):
        if self.env.context.get(DESTROYING):
            return  # destroyed with its letter by an approved destruction list
        letters = (
            self.env["monthly.settlement.confirmation.letter"]
            .sudo()
            .with_context(active_test=False)
            .search([("sent_pdf_id", "in", self.ids)])
        )
        if letters:
            raise UserError(
                self.env._(
                    "%(file)s is the PDF sent with confirmation letter %(letter)s: it is kept as sent.",
                    file=letters[0].sent_pdf_id.name,
                    letter=letters[0].name,
                )
            )

    def write(self, vals):
        if CONTENT_FIELDS.intersection(vals) and self.ids:
            self._check_not_sent_letter_pdf()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent_letter_pdf(self):
        self._check_not_sent_letter_pdf()
