import base64

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.misc import file_open

from odoo.addons.mail.tools.discuss import Store

from .monthly_settlement_statement_archive import DESTROYING

STATEMENT_MODEL = "monthly.settlement.statement"
SENDING_MODEL = "monthly.settlement.statement.sending"
# Writing these replaces a file or moves it to another record.
FILE_FIELDS = {"datas", "raw", "db_datas", "store_fname", "checksum", "file_size", "url", "type", "res_model", "res_id"}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _settlement_kept_statement(self):
        """The first statement whose kept files (see `_has_kept_files`) are among these
        attachments: the files sent to the customer, and any file of a statement once sent."""
        owners = {(attachment.res_model, attachment.res_id) for attachment in self.sudo() if attachment.res_id}
        statement_ids = {res_id for model, res_id in owners if model == STATEMENT_MODEL}
        sending_ids = [res_id for model, res_id in owners if model == SENDING_MODEL]
        if sending_ids:
            statement_ids |= set(self.env[SENDING_MODEL].sudo().browse(sending_ids).exists().statement_id.ids)
        if not statement_ids:
            return self.env[STATEMENT_MODEL]
        statements = self.env[STATEMENT_MODEL].sudo().browse(statement_ids).exists()
        return statements.filtered(lambda statement: statement._has_kept_files())[:1]

    def _check_settlement_files_kept(self):
        statement = self._settlement_kept_statement()
        if statement:
            raise UserError(
                self.env._(
                    "The files of statement %(statement)s are kept as the customer received them: nobody, "
                    "administrators included, may delete or replace them.",
                    statement=statement.display_name,
                )
            )

    def write(self, vals):
        if self._settlement_changes_files(vals):
            self._check_settlement_files_kept()
        return super().write(vals)

    def _settlement_changes_files(self, vals):
        """Whether writing ``vals`` replaces or moves files; the same bytes written again (Odoo's
        move between database and file storage does so) change nothing."""
        changing = vals.keys() & FILE_FIELDS
        if not changing or not changing <= {"raw", "datas"}:
            return bool(changing)
        new = vals["raw"] if "raw" in vals else base64.b64decode(vals["datas"] or b"")
        new = new.encode() if isinstance(new, str) else (new or b"")
        return any((attachment.raw or b"") != new for attachment in self.sudo())

    def _settlement_preview_by_reader(self):
        """Whether the current user, who may read but not change this file of a settlement
        document, stores its preview image: the web client draws it from the PDF's first page for
        whoever opens the document first, auditors included. The preview is no part of the file."""
        self.ensure_one()
        if self.env.user.share or not self.has_access("read") or self.has_access("write"):
            return False
        return (self.res_model or "").startswith("monthly.settlement.") and self.mimetype == "application/pdf"

    def _settlement_store_preview(self, thumbnail):
        """Store the preview as Odoo's own route does (an icon when pdf.js could not read the file)."""
        self.ensure_one()
        if not thumbnail:
            with file_open("web/static/img/mimetypes/unknown.svg") as unknown_svg:
                thumbnail = base64.b64encode(unknown_svg.read().encode())
        self.thumbnail = thumbnail
        Store(bus_channel=self).add(self, ["has_thumbnail"]).bus_send()

    def unlink(self):
        # Before the access rights: whoever asks, the answer says why. A destruction list past the
        # retention period (see the archive) is the one way files of a sent statement go.
        if not self.env.context.get(DESTROYING):
            self._check_settlement_files_kept()
        return super().unlink()
