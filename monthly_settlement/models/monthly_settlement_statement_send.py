"""Sending statements: by email (previewed in the send dialog, reports attached, delivery followed
up to the mail server's answer) and on paper (printed for post with the paper contact's address, or
handed over, the reviewer recording the day)."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import settlement_calendar
from ..tools.access import check_settlement_group
from ..tools.cron import process_in_batches

SEND_BATCH_SIZE = 50
STATEMENT_TEMPLATE = "monthly_settlement.mail_template_statement"
# What a report renders to, for the names of the files the send dialog announces.
REPORT_EXTENSIONS = {"qweb-pdf": "pdf", "qweb-html": "html", "qweb-text": "txt"}


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
    post_date = fields.Date(
        string="Posted on",
        readonly=True,
        copy=False,
        tracking=True,
        help="The day the paper statement was printed for post and posted to the customer.",
    )
    is_sent = fields.Boolean(
        string="Sent to the Customer",
        compute="_compute_is_sent",
        store=True,
        index=True,
        help="The statement went out (email delivered, published on the portal, posted or handed over): "
        "from then on its content and the files sent never change, a correction is a new revision, and "
        "cancelling it withdraws it from the customer.",
    )
    sending_ids = fields.One2many(
        "monthly.settlement.statement.sending",
        "statement_id",
        string="Sendings",
        readonly=True,
        help="What the customer received: each email, portal publication and paper sending, with the files sent.",
    )
    is_to_print = fields.Boolean(
        string="To Print for Post",
        compute="_compute_is_to_print",
        store=True,
        index=True,
        help="The customer gets statements on paper and this one is approved (or already emailed) and "
        "not posted yet: it stays in the To Print list until Print for Post records its posting.",
    )

    @api.depends("send_date")
    def _compute_is_sent(self):
        # send_date is written in one place, `_record_sent`: the one definition of "sent".
        for statement in self:
            statement.is_sent = bool(statement.send_date)

    @api.depends("state", "superseded_by_id", "delivery_state", "post_date", "partner_id.settlement_delivery_paper")
    def _compute_is_to_print(self):
        for statement in self:
            # A statement marked as sent by hand was handed over: only emailed ones still go by post.
            waiting = statement.state == "approved" or (
                statement.state == "sent" and statement.delivery_state == "sent"
            )
            statement.is_to_print = bool(
                waiting
                and statement.partner_id.settlement_delivery_paper
                and not statement.post_date
                and not statement.superseded_by_id
            )

    # ------------------------------------------------------------------
    # Email
    # ------------------------------------------------------------------

    def action_send(self):
        """The send dialog: the email of one statement to check and edit, or a summary of several."""
        check_settlement_group(self.env, "reviewer")
        self._check_state({"approved"}, self.env._("send"))
        return self._open_statement_wizard("monthly.settlement.send", self.env._("Send by Email"))

    def _send(self, subject=None, body=None, recipients=None):
        """Email approved statements (what the send dialog's Send does). ``subject``, ``body`` and
        ``recipients`` replace the template's for a single statement, as the reviewer edited them."""
        check_settlement_group(self.env, "reviewer")
        self._check_state({"approved"}, self.env._("send"))
        queued = self.filtered(lambda statement: statement.delivery_state == "queued")
        if queued:
            raise UserError(
                self.env._(
                    "Statement %(statement)s is already being emailed: wait for the mail server's answer.",
                    statement=queued[0].display_name,
                )
            )
        if subject is not None or body is not None or recipients is not None:
            self.ensure_one()
            if subject is not None and not subject.strip():
                raise UserError(self.env._("Give the statement email a subject."))
        for statement in self:
            if not (recipients if recipients is not None else statement._get_statement_recipients()).filtered("email"):
                raise UserError(
                    self.env._(
                        "%(customer)s has no statement contact with an email address: add one on the "
                        "customer, or deliver the statement on paper and mark it as sent.",
                        customer=statement.partner_id.display_name,
                    )
                )
        self._send_by_email(subject=subject, body=body, recipients=recipients)
        return True

    def _get_statement_recipients(self):
        self.ensure_one()
        return self.partner_id.settlement_contact_ids or self.partner_id

    def _get_statement_email_values(self, names=("subject", "body", "email_from")):
        """Subject, body and sender of each statement's email, rendered from its template in the
        customer's statement language: what the send dialog shows, and what goes unless edited.
        {statement id: {name: value}}; the statements of one language are rendered together (the
        template is compiled once per field and language, not once per statement)."""
        template = self.env.ref(STATEMENT_TEMPLATE).sudo()
        template_fields = {"subject": "subject", "body": "body_html", "email_from": "email_from"}
        values = {statement.id: {} for statement in self}
        for lang, statements in self.grouped(lambda statement: statement._get_statement_lang()).items():
            for name in names:
                rendered = template._render_field(
                    template_fields[name],
                    statements.ids,
                    set_lang=lang,
                    options={"post_process": True} if name == "body" else None,
                )
                for statement_id, value in rendered.items():
                    values[statement_id][name] = value
        return values

    def _get_statement_attachment_name(self, extension):
        """File name of a statement report attached to its email (in the statement language)."""
        self.ensure_one()
        statement = self.with_context(lang=self._get_statement_lang())
        return f"{statement._get_report_base_filename()}.{extension}"

    def _get_statement_attachment_names(self):
        """Names of the files the statement email carries (see `_get_statement_reports`)."""
        self.ensure_one()
        return [
            self._get_statement_attachment_name(REPORT_EXTENSIONS.get(report.report_type, report.report_type))
            for report in self._get_statement_reports()
        ]

    def _get_sent_attachments(self):
        """The files the customer received (PDF, XLSX...), byte for byte as sent, as ir.attachment
        records in sudo: those of the latest sending of the statement as it stands (a draft
        regenerated after a failed email made new ones)."""
        self.ensure_one()
        statement = self.sudo()  # read in sudo, as the portal and the reports need it: callers checked the statement
        sendings = statement.sending_ids.filtered(lambda sending: sending.generate_date == statement.generate_date)
        return sendings[-1:].attachment_ids

    def _has_kept_files(self):
        """Whether the statement's files (those sent and any attached since) are kept for good:
        from sending on (confirmed and archived statements were sent first). Other rooms may add
        their own reasons."""
        self.ensure_one()
        return self.is_sent

    def _get_statement_files(self):
        """The files that go to the customer: those already sent of this revision, never a new
        rendering of them; else the statement's reports rendered now (see `_get_statement_reports`)."""
        self.ensure_one()
        files = self._get_sent_attachments()
        if files:
            return files
        for report in self._get_statement_reports():
            content, extension = self.env["ir.actions.report"].sudo()._render(report, self.ids)
            files |= files.create({"name": self._get_statement_attachment_name(extension), "raw": content})
        return files

    def _get_sent_file(self, extension):
        """The file of this extension the customer received, if the statement was sent with it."""
        self.ensure_one()
        return self._get_sent_attachments().filtered(lambda attachment: attachment.name.endswith(f".{extension}"))[:1]

    def action_download_sent_file(self):
        """Download the file of the context's ``extension`` as the customer received it."""
        self.ensure_one()
        self.check_access("read")
        extension = self.env.context.get("extension", "pdf")
        sent = self._get_sent_file(extension)
        if not sent:
            raise UserError(
                self.env._(
                    "Statement %(statement)s was not sent with a %(extension)s file.",
                    statement=self.display_name,
                    extension=extension.upper(),
                )
            )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{sent.id}?download=true", "target": "download"}

    def _report_shows_answer(self, report):
        """Whether ``report`` printed now differs from the file sent because it shows the customer's
        answer (the reports module's PDF does, once confirmed)."""
        return False

    def _get_statement_report_file(self, report, as_sent=False, data=None):
        """(bytes, file name) of one of the statement's reports for the customer: the file sent, byte
        for byte, unless the report shows the answer given since (`_report_shows_answer`) or the
        statement was not sent with it; ``as_sent`` asks for the file sent only (None without one)."""
        self.ensure_one()
        sent = self._get_sent_file(REPORT_EXTENSIONS.get(report.report_type, report.report_type))
        if sent and (as_sent or not self._report_shows_answer(report)):
            return sent.raw, sent.name
        if as_sent:
            return None
        content, extension = self.env["ir.actions.report"].sudo()._render(report, self.ids, data=data)
        return content, f"{self._get_report_base_filename()}.{extension}"

    def _record_sending(self, channel, recipients=None, address=None, when=None):
        """Keep what goes to the customer by ``channel``: the exact files (stored with the sending,
        so that nothing else, the report lookup included, ever takes them for a new rendering),
        their SHA-256, the recipients and the time."""
        self.ensure_one()
        files = self._get_statement_files()
        recipients = recipients or self.env["res.partner"]
        Sending = self.env["monthly.settlement.statement.sending"].sudo()
        sending = Sending.create(
            {
                "statement_id": self.id,
                "channel": channel,
                "send_date": when or fields.Datetime.now(),
                "user_id": self.env.uid,
                "recipient_ids": recipients.ids,
                "recipients": address
                or ", ".join(partner.email_formatted or partner.display_name for partner in recipients),
                "attachment_ids": [Command.set(files.ids)],
                "checksums": Sending._checksums_of(files),
                "generate_date": self.generate_date,
            }
        )
        files.filtered(lambda attachment: not attachment.res_model).write(
            {"res_model": Sending._name, "res_id": sending.id}
        )
        return sending

    def _send_by_email(self, subject=None, body=None, recipients=None):
        """Post the statement email in the chatter; it goes out after the transaction (or with
        the mail queue), and the statement counts as sent only once every email went out
        (see `_update_delivery_state`, called when mails are processed). ``subject``, ``body``
        and ``recipients`` replace the template's (see `_send`)."""
        template = self.env.ref(STATEMENT_TEMPLATE).sudo()
        email_values = self._get_statement_email_values()
        for statement in self:
            values = email_values[statement.id]
            statement = statement.with_context(lang=statement._get_statement_lang(), mail_notify_force_send=True)
            # As Odoo's composer does: the sender's partner if known, else the user sending.
            author_id = (
                statement._message_compute_author(email_from=values["email_from"])[0] or self.env.user.partner_id.id
            )
            partners = statement._get_statement_recipients() if recipients is None else recipients
            sending = statement._record_sending("email", recipients=partners)
            message = statement.message_post(
                subject=values["subject"] if subject is None else subject,
                body=values["body"] if body is None else body,
                partner_ids=partners.ids,
                attachment_ids=sending.attachment_ids.ids,
                author_id=author_id,
                email_from=values["email_from"],
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_add_signature=False,
                mail_auto_delete=template.auto_delete,
                mail_server_id=template.mail_server_id.id,
            )
            vals = {"delivery_state": "queued", "delivery_error": False, "delivery_message_id": message.id}
            if statement.state == "approved":  # a statement already posted keeps who sent it
                vals["send_uid"] = self.env.uid
            statement._transition(vals)
        self._update_delivery_state()  # concludes at once when nothing could be queued

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=False):
        """Without the portal among the customer's channels, emails about a statement carry no
        button to its portal page (Odoo gives one to the customer and to portal users)."""
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        if len(self) == 1 and not self._uses_portal():
            for name, _matches, data in groups:
                if name != "user":
                    data["has_button_access"] = False
        return groups

    def _update_delivery_state(self):
        """Sent when every email of the statement message went out; failed (with the reason and
        an activity, the statement staying approved) when one did not."""
        for statement in self.filtered(lambda statement: statement.delivery_state == "queued"):
            message = statement.delivery_message_id.sudo()
            # The customer's recipients decide; staff following the statement get a copy that does not.
            emails = message.notification_ids.filtered(
                lambda notification, recipients=message.partner_ids: (
                    notification.notification_type == "email" and notification.res_partner_id in recipients
                )
            )
            failed = emails.filtered(lambda notification: notification.notification_status in ("exception", "bounce"))
            if failed or not emails:
                responsible = statement.accountant_id or statement.approve_uid or statement.send_uid
                reason = "\n".join(map(statement._delivery_failure, failed)) or self.env._(
                    "No email was sent: no recipient has an email address."
                )
                statement.sending_ids.filtered(lambda sending: sending.channel == "email")[-1:].sudo().write(
                    {"delivery_failed": True}
                )
                vals = {"delivery_state": "failed", "delivery_error": reason}
                if statement.state == "approved":
                    vals["send_uid"] = False
                statement._transition(vals)
                statement._schedule_activity_for(
                    responsible, "monthly_settlement.mail_activity_statement_email_failed", note=reason
                )
            elif all(notification.notification_status == "sent" for notification in emails):
                # A statement posted before its email keeps the posting day as the day it was sent.
                statement._transition({"delivery_state": "sent"})
                statement._record_sent(fields.Datetime.now())

    def _delivery_failure(self, notification):
        """What went wrong with one recipient's email, in the words of whoever fixes it."""
        partner, detail = notification.res_partner_id, notification.failure_reason or ""
        if notification.failure_type in ("mail_email_invalid", "mail_email_missing"):
            return self.env._(
                "The email address of %(recipient)s is missing or invalid (%(address)s): correct it on the contact.",
                recipient=partner.display_name,
                address=partner.email or "-",
            )
        if notification.notification_status == "bounce" or notification.failure_type == "mail_bounce":
            return self.env._(
                "The email to %(recipient)s (%(address)s) came back undelivered: %(detail)s",
                recipient=partner.display_name,
                address=partner.email,
                detail=detail,
            )
        return self.env._(
            "The mail server did not take the email to %(recipient)s (%(address)s): %(detail)s",
            recipient=partner.display_name,
            address=partner.email,
            detail=detail
            or self.env._("it could not be reached or gave no reason; check the outgoing mail server in the Settings."),
        )

    @api.model
    def _get_to_email_domain(self):
        """Statements the scheduled sending emails: approved ones of customers who get them by
        email (and the ones already posted to customers who get them both ways), not emailed yet."""
        return [
            "|",
            ("state", "=", "approved"),
            "&",
            ("state", "=", "sent"),
            ("post_date", "!=", False),
            ("superseded_by_id", "=", False),
            ("delivery_state", "=", False),
            ("partner_id.settlement_delivery_email", "=", True),
        ]

    @api.model
    def _cron_send_statements(self):
        """Email the statements waiting for it (see `_get_to_email_domain`)."""
        pending = self.search(self._get_to_email_domain())
        process_in_batches(self.env, pending, SEND_BATCH_SIZE, lambda batch: batch._send_by_email())

    # ------------------------------------------------------------------
    # Paper
    # ------------------------------------------------------------------

    def _get_paper_recipient(self):
        """Whom the paper statement is addressed to: the customer's paper contact, else the customer."""
        self.ensure_one()
        return self.partner_id.settlement_paper_contact_id or self.partner_id

    def _check_paper_addresses(self):
        for statement in self:
            recipient = statement._get_paper_recipient()
            if not (recipient.street or recipient.street2 or recipient.city):
                raise UserError(
                    self.env._(
                        "The paper statement %(statement)s goes to %(recipient)s, who has no postal address: "
                        "add the address to the contact (or choose another paper contact on the customer).",
                        statement=statement.display_name,
                        recipient=recipient.display_name,
                    )
                )

    def action_mark_sent(self):
        """Paper channel: the reviewer says when the statement was handed over or posted."""
        check_settlement_group(self.env, "reviewer")
        self._check_state({"approved"}, self.env._("mark as sent"))
        return self._open_statement_wizard("monthly.settlement.mark.sent", self.env._("Mark as Sent"))

    def _mark_sent(self, sent_on):
        check_settlement_group(self.env, "reviewer")
        self._check_state({"approved"}, self.env._("mark as sent"))
        self._check_not_future(sent_on)
        self._record_paper_sending(sent_on)
        self._record_sent(settlement_calendar.noon(sent_on))
        return True

    def _mark_posted(self, posted_on):
        """The statements of the To Print list were printed for post and posted on ``posted_on``:
        approved ones become sent that day, emailed ones keep their state."""
        check_settlement_group(self.env, "reviewer")
        not_to_print = self.filtered(lambda statement: not statement.is_to_print)
        if not_to_print:
            raise UserError(
                self.env._(
                    "Statement %(statement)s is not waiting to be posted: only approved (or already emailed) "
                    "statements of customers who get them on paper are printed for post, once.",
                    statement=not_to_print[0].display_name,
                )
            )
        self._check_not_future(posted_on)
        self._check_paper_addresses()
        approved = self.filtered(lambda statement: statement.state == "approved")
        self._transition({"post_date": posted_on})
        self._record_paper_sending(posted_on)
        approved._record_sent(settlement_calendar.noon(posted_on))
        return True

    def _check_not_future(self, sent_on):
        if not sent_on:
            raise UserError(self.env._("Give the day the statement was handed over or posted."))
        if sent_on > fields.Date.context_today(self):
            raise UserError(self.env._("A statement cannot have been sent in the future."))

    def _record_paper_sending(self, day):
        """Keep the files handed over or posted on ``day``, with whom and where they went."""
        for statement in self:
            statement._record_sending(
                "paper", address=statement._get_paper_address(), when=settlement_calendar.noon(day)
            )

    def _get_paper_address(self):
        """Whom and where the paper statement went, as printed on it."""
        self.ensure_one()
        recipient = self._get_paper_recipient()
        address = recipient._display_address()
        return f"{recipient.display_name}\n{address}" if address else recipient.display_name

    def _record_sent(self, sent_at):
        """The one place a statement becomes sent (email delivered, posted, handed over): from then
        on it is `is_sent`. The first sending decides the day and who sent it; customers who use
        the portal find it there from now on, which is recorded as its publication."""
        for statement in self.filtered(lambda statement: not statement.is_sent):
            # Its portal link's token now, not on the customer's first view (a write on a GET,
            # which concurrent first views made fail to serialize).
            statement._portal_ensure_token()
            statement._transition(
                {"state": "sent", "send_uid": statement.send_uid.id or self.env.uid, "send_date": sent_at}
            )
            if statement._uses_portal():
                statement._record_sending("portal", recipients=statement.partner_id, when=sent_at)
