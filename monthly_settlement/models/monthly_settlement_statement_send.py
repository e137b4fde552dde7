"""Sending statements: by email (reports attached, delivery followed up to the mail server's
answer) and on paper (the reviewer records when it was handed over or posted)."""

from datetime import datetime, time

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.access import check_settlement_group
from ..tools.cron import process_in_batches

SEND_BATCH_SIZE = 50


class MonthlySettlementStatementSend(models.AbstractModel):
    """Part of monthly.settlement.statement, which inherits it: its sending, kept apart."""

    _name = "monthly.settlement.statement.send"
    _description = "Customer Statement Sending"

    send_uid = fields.Many2one("res.users", string="Sent by", readonly=True, copy=False)
    send_date = fields.Datetime(string="Sent on", readonly=True, copy=False)
    delivery_state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
        string="Email Delivery",
        readonly=True,
        copy=False,
        tracking=True,
    )
    delivery_error = fields.Text(readonly=True, copy=False)
    delivery_message_id = fields.Many2one("mail.message", string="Statement Email", readonly=True, copy=False)

    def action_send(self):
        """Email approved statements to the customer's statement contacts, reports attached."""
        check_settlement_group(self.env, "reviewer")
        self._check_state({"approved"}, self.env._("send"))
        for statement in self:
            if not statement._get_statement_recipients().filtered("email"):
                raise UserError(
                    self.env._(
                        "%(customer)s has no statement contact with an email address: add one on the "
                        "customer, or deliver the statement on paper and mark it as sent.",
                        customer=statement.partner_id.display_name,
                    )
                )
        self._send_by_email()
        return True

    def _get_statement_recipients(self):
        self.ensure_one()
        return self.partner_id.settlement_contact_ids or self.partner_id

    def _render_statement_attachments(self):
        """Attachments of the statement's reports (see `_get_statement_reports`)."""
        self.ensure_one()
        attachments = self.env["ir.attachment"]
        base_name = self._get_report_base_filename()
        for report in self._get_statement_reports():
            content, extension = self.env["ir.actions.report"].sudo()._render(report, self.ids)
            attachments |= attachments.create(
                {
                    "name": f"{base_name}.{extension}",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        return attachments

    def _send_by_email(self):
        """Post the statement email in the chatter; it goes out after the transaction (or with
        the mail queue), and the statement counts as sent only once every email went out
        (see `_update_delivery_state`, called when mails are processed)."""
        template = self.env.ref("monthly_settlement.mail_template_statement")
        for statement in self:
            statement = statement.with_context(lang=statement._get_statement_lang())
            message = statement.with_context(mail_notify_force_send=True).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=[Command.set(statement._get_statement_recipients().ids)],
                attachment_ids=[Command.set(statement._render_statement_attachments().ids)],
            )
            statement._transition(
                {
                    "delivery_state": "queued",
                    "delivery_error": False,
                    "delivery_message_id": message[:1].id,
                    "send_uid": self.env.uid,
                }
            )
        self._update_delivery_state()  # concludes at once when nothing could be queued

    def _update_delivery_state(self):
        """Sent when every email of the statement message went out; failed (with the reason and
        an activity, the statement staying approved) when one did not."""
        for statement in self.filtered(lambda statement: statement.delivery_state == "queued"):
            emails = statement.delivery_message_id.sudo().notification_ids.filtered(
                lambda notification: notification.notification_type == "email"
            )
            failed = emails.filtered(lambda notification: notification.notification_status in ("exception", "bounce"))
            if failed or not emails:
                responsible = statement.accountant_id or statement.approve_uid or statement.send_uid
                reason = "\n".join(
                    f"{notification.res_partner_id.display_name}: "
                    f"{notification.failure_reason or notification.failure_type or ''}"
                    for notification in failed
                ) or self.env._("No email was sent: no recipient has an email address.")
                statement._transition({"delivery_state": "failed", "delivery_error": reason, "send_uid": False})
                statement._schedule_activity_for(
                    responsible, "monthly_settlement.mail_activity_statement_email_failed", note=reason
                )
            elif all(notification.notification_status == "sent" for notification in emails):
                statement._transition({"delivery_state": "sent", "state": "sent", "send_date": fields.Datetime.now()})

    @api.model
    def _cron_send_statements(self):
        """Email the approved statements of customers who get them by email."""
        pending = self.search(
            [
                ("state", "=", "approved"),
                ("superseded_by_id", "=", False),
                ("delivery_state", "=", False),
                ("partner_id.settlement_delivery_email", "=", True),
            ]
        )
        process_in_batches(self.env, pending, SEND_BATCH_SIZE, lambda batch: batch._send_by_email())

    def action_mark_sent(self):
        """Paper channel: the reviewer says when the statement was handed over or posted."""
        check_settlement_group(self.env, "reviewer")
        self._check_state({"approved"}, self.env._("mark as sent"))
        return self._open_statement_wizard("monthly.settlement.mark.sent", self.env._("Mark as Sent"))

    def _mark_sent(self, sent_on):
        check_settlement_group(self.env, "reviewer")
        self._check_state({"approved"}, self.env._("mark as sent"))
        if sent_on > fields.Date.context_today(self):
            raise UserError(self.env._("A statement cannot have been sent in the future."))
        self._transition({"state": "sent", "send_uid": self.env.uid, "send_date": datetime.combine(sent_on, time(12))})
        return True
