from odoo import http
from odoo.http import request

from odoo.addons.mail.controllers.attachment import AttachmentController


class SettlementAttachmentController(AttachmentController):
    @http.route()
    def mail_attachement_update_thumbnail(self, attachment_id, thumbnail=None, access_token=None):
        attachment = request.env["ir.attachment"].browse(int(attachment_id)).exists()
        if attachment and attachment._settlement_preview_by_reader():
            attachment.sudo()._settlement_store_preview(thumbnail)
            return None
        return super().mail_attachement_update_thumbnail(attachment_id, thumbnail=thumbnail, access_token=access_token)
