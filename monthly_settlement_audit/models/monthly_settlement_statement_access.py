"""The portal access log: who opened or downloaded which statement on the portal, when and from
where. Written by the portal (one INSERT per request, as superuser), read by auditors, changed by
nobody."""

from odoo import api, fields, models
from odoo.exceptions import UserError

# What a portal download is, by the report's type.
ACCESS_KINDS_BY_REPORT_TYPE = {"qweb-pdf": "pdf", "xlsx": "xlsx"}


class MonthlySettlementStatementAccess(models.Model):
    _name = "monthly.settlement.statement.access"
    _description = "Statement Portal Access"
    _order = "access_date desc, id desc"
    _log_access = False  # who and when are the record itself

    statement_id = fields.Many2one(
        "monthly.settlement.statement", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    customer_id = fields.Many2one(related="statement_id.partner_id", string="Customer")
    access_date = fields.Datetime(string="When", required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="The portal user logged in, or the public user for a visitor with the statement's link.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        readonly=True,
        help="The logged-in customer's contact; for a visitor with the statement's link, the customer.",
    )
    ip = fields.Char(string="IP Address", readonly=True)
    access_type = fields.Selection(
        [("page", "Page View"), ("pdf", "PDF Download"), ("xlsx", "XLSX Download"), ("file", "Other Download")],
        string="What",
        required=True,
        readonly=True,
    )

    @api.model
    def _log_portal_access(self, statement, partner, ip, report=None):
        """Record that the environment's user opened ``statement`` on the portal (``report``: downloaded
        it as that report) for ``partner`` from ``ip``: one INSERT."""
        access_type = ACCESS_KINDS_BY_REPORT_TYPE.get(report.report_type, "file") if report else "page"
        return self.sudo().create(
            {
                "statement_id": statement.id,
                "company_id": statement.company_id.id,
                "access_date": fields.Datetime.now(),
                "user_id": self.env.uid,
                "partner_id": partner.id,
                "ip": ip,
                "access_type": access_type,
            }
        )

    def write(self, vals):
        self.check_access("write")  # who may not write at all is told so first
        if vals:
            raise UserError(self.env._("The portal access log cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The portal access log cannot be deleted."))


class MonthlySettlementStatement(models.Model):
    _inherit = "monthly.settlement.statement"

    portal_access_ids = fields.One2many(
        "monthly.settlement.statement.access",
        "statement_id",
        string="Portal Access Log",
        readonly=True,
        groups="monthly_settlement.group_settlement_auditor",
    )
