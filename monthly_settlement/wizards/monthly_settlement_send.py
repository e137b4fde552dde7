from markupsafe import Markup

from odoo import api, fields, models


class MonthlySettlementSend(models.TransientModel):
    """Send by Email: for one statement the email as it will go (recipients, subject and body
    rendered from the statement template in the customer's statement language, attachments),
    editable; for several, how many and to whom. The statement's sending code does the rest."""

    _name = "monthly.settlement.send"
    _description = "Send Customer Statements by Email"

    statement_ids = fields.Many2many(
        "monthly.settlement.statement", "monthly_settlement_send_statement_rel", required=True
    )
    statement_count = fields.Integer(compute="_compute_statement_count")
    partner_ids = fields.Many2many(
        "res.partner",
        "monthly_settlement_send_partner_rel",
        string="To",
        compute="_compute_partner_ids",
        store=True,
        readonly=False,
        help="By default the customer's statement contacts, else the customer.",
    )
    subject = fields.Char(compute="_compute_subject", store=True, readonly=False)
    body = fields.Html(compute="_compute_body", store=True, readonly=False, sanitize="email_outgoing")
    lang = fields.Selection(
        selection=lambda self: self.env["res.lang"].get_installed(),
        string="Language",
        compute="_compute_lang_and_attachments",
        help="The customer's statement language, in which the email is written.",
    )
    attachment_names = fields.Text(string="Attachments", compute="_compute_lang_and_attachments")
    summary = fields.Html(compute="_compute_summary", sanitize=False)

    @api.depends("statement_ids")
    def _compute_statement_count(self):
        for wizard in self:
            wizard.statement_count = len(wizard.statement_ids)

    def _single_statement(self):
        """The statement of a dialog on one statement (the email preview is shown for one only)."""
        self.ensure_one()
        statement = self.statement_ids._origin
        return statement if len(statement) == 1 else statement.browse()

    @api.depends("statement_ids")
    def _compute_partner_ids(self):
        for wizard in self:
            statement = wizard._single_statement()
            wizard.partner_ids = statement._get_statement_recipients() if statement else False

    @api.depends("statement_ids")
    def _compute_subject(self):
        for wizard in self:
            wizard.subject = wizard._template_value("subject")

    @api.depends("statement_ids")
    def _compute_body(self):
        for wizard in self:
            wizard.body = wizard._template_value("body")

    def _template_value(self, name):
        """The statement email's ``name`` as its template gives it, for a single statement."""
        statement = self._single_statement()
        return statement._get_statement_email_values([name])[statement.id][name] if statement else False

    @api.depends("statement_ids")
    def _compute_lang_and_attachments(self):
        for wizard in self:
            statement = wizard._single_statement()
            wizard.lang = statement._get_statement_lang() if statement else False
            wizard.attachment_names = "\n".join(statement._get_statement_attachment_names()) if statement else False

    @api.depends("statement_ids")
    def _compute_summary(self):
        for wizard in self:
            lines = Markup("").join(
                Markup("<li><strong>%s</strong> %s: %s</li>")
                % (
                    statement.display_name,
                    statement.partner_id.display_name,
                    ", ".join(statement._get_statement_recipients().mapped("email_formatted"))
                    or self.env._("no email address"),
                )
                for statement in wizard.statement_ids._origin
            )
            intro = self.env._(
                "%(count)s statements will be emailed with the statement template, each to its customer's "
                "statement contacts in the customer's statement language:",
                count=len(wizard.statement_ids),
            )
            wizard.summary = Markup("<p>%s</p><ul>%s</ul>") % (intro, lines)

    def action_send(self):
        self.ensure_one()
        statements = self.statement_ids
        if len(statements) == 1:
            statements._send(subject=self.subject or "", body=self.body or "", recipients=self.partner_ids)
        else:
            statements._send()
        return {"type": "ir.actions.act_window_close"}
