"""What the customer received: one record per sending of a statement (email, portal publication,
paper), with the exact files sent, their SHA-256, the recipients and the time. Written once by the
statement when it goes out; nobody changes or deletes it afterwards (see ir_attachment.py)."""

import hashlib

from odoo import api, fields, models
from odoo.exceptions import UserError

from .monthly_settlement_statement_archive import DESTROYING

SENDING_CHANNELS = [("email", "Email"), ("portal", "Portal"), ("paper", "Paper")]


class MonthlySettlementStatementSending(models.Model):
    _name = "monthly.settlement.statement.sending"
    _description = "Customer Statement Sent Files"
    _order = "send_date, id"
    _check_company_auto = True

    statement_id = fields.Many2one(
        "monthly.settlement.statement", required=True, readonly=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="statement_id.company_id", store=True, index=True)
    channel = fields.Selection(SENDING_CHANNELS, required=True, readonly=True)
    send_date = fields.Datetime(string="Sent on", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Sent by", readonly=True)
    recipient_ids = fields.Many2many("res.partner", string="Recipients", readonly=True)
    recipients = fields.Text(
        string="Addressed to", readonly=True, help="Email addresses, or the postal address of the paper statement."
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "monthly_settlement_statement_sending_attachment_rel",
        "sending_id",
        "attachment_id",
        string="Files Sent",
        readonly=True,
    )
    generate_date = fields.Datetime(
        string="Content of",
        readonly=True,
        help="When the statement sent was generated: the files belong to that content.",
    )
    delivery_failed = fields.Boolean(
        readonly=True, help="The email did not reach every recipient: the statement was not sent by it."
    )
    checksums = fields.Text(
        string="SHA-256",
        readonly=True,
        help="SHA-256 of each file sent, one per line as sha256sum writes them: `sha256sum -c` checks "
        "downloaded copies against it.",
    )

    @api.model
    def _checksums_of(self, attachments):
        """The files' SHA-256 over their raw bytes, in sha256sum's format."""
        return "\n".join(
            f"{hashlib.sha256(attachment.raw or b'').hexdigest()}  {attachment.name}" for attachment in attachments
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Sendings are recorded by the statement when it goes out."))
        return super().create(vals_list)

    def write(self, vals):
        if vals.keys() == {"delivery_failed"} and self.env.su:  # the statement says its email failed
            return super().write(vals)
        raise UserError(self.env._("What was sent to the customer is kept as it was: it cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if self.env.context.get(DESTROYING):  # an approved destruction list, past the retention period
            return
        raise UserError(self.env._("What was sent to the customer is kept as it was: it cannot be deleted."))
