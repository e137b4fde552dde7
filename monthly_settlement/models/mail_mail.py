from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        """Statements learn here whether their email went out: after the transaction that
        queued it (forced sending) or from the mail queue, whichever sends it."""
        message_ids = self.mail_message_id.ids
        result = super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
        self.env["monthly.settlement.statement"].sudo().search(
            [
                ("delivery_message_id", "in", message_ids),
                ("delivery_state", "=", "queued"),
            ]
        )._update_delivery_state()
        return result
