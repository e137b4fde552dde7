"""The PDF the customer received is kept and served byte for byte (email, portal, reprint); once the
customer confirms, the statement's PDF shows who confirmed and when, and the PDF as sent stays
downloadable as its own file. Real PDFs (wkhtmltopdf), read back with pdftotext."""

import hashlib

from odoo import Command
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.http_common import WebClientCase
from odoo.addons.monthly_settlement.tests.smtp_sink import deliver_to_local_smtp

from .test_statement_pdf import PDF_REPORT, StatementReportCommon


def sha256(content):
    return hashlib.sha256(content).hexdigest()


@tagged("post_install", "-at_install")
class TestSentFiles(StatementReportCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reviewer = cls._create_settlement_user("ms_sent_files", "monthly_settlement.group_settlement_reviewer")
        cls.buyer = cls.env["res.partner"].create(
            {"name": "张三", "parent_id": cls.customer_25.id, "email": "zhang.san@buyer.example.com"}
        )
        cls.customer_25.write(
            {"settlement_contact_ids": [Command.set(cls.buyer.ids)], "settlement_delivery_portal": True}
        )

    def _emailed_pdf(self):
        """Send the statement by email (real PDF) and return the PDF bytes the customer received."""
        statement = self.statement
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        statement.with_user(self.reviewer).with_context(force_report_rendering=True)._send()
        with deliver_to_local_smtp(self.env) as inbox:
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        self.env.invalidate_all()
        self.assertEqual(statement.state, "sent")
        [pdf] = [
            part.get_payload(decode=True)
            for to, mail in inbox.messages
            if "zhang.san@buyer.example.com" in to
            for part in mail.iter_attachments()
            if part.get_filename().endswith(".pdf")
        ]
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def _portal_pdf(self, as_sent=False):
        report = self.env.ref(PDF_REPORT)
        query = f"&report_id={report.id}&download=1" + ("&as_sent=1" if as_sent else "")
        response = self.url_open(self.statement.get_portal_url(query_string=query))
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_the_pdf_sent_is_served_then_the_confirmed_one(self):
        received = self._emailed_pdf()
        statement = self.statement
        sent_text = self._poppler("pdftotext", received, "-layout")
        self.assertIn("我方确认以上余额无误", sent_text, "the blank confirmation block the customer got")
        self.assertIn(f"{sha256(received)}  ", statement.sending_ids[0].checksums)

        # Portal download and a reprint in the back office: the bytes sent, not a new rendering.
        self.assertEqual(sha256(self._portal_pdf()), sha256(received))
        self.assertEqual(sha256(self._pdf(statement)), sha256(received))

        # The customer confirms on the portal.
        result = self.make_jsonrpc_request(
            f"/my/statements/{statement.id}/confirm",
            {"access_token": statement.access_token, "name": "张三确认"},
        )
        self.assertNotIn("error", result or {})
        self.env.invalidate_all()
        self.assertEqual(statement.state, "confirmed")

        # The statement's PDF now shows who confirmed and when (made once and kept) ...
        confirmed = self._pdf(statement)
        text = self._poppler("pdftotext", confirmed, "-layout")
        self.assertIn("张三确认", text)
        self.assertNotIn("我方确认以上余额无误", text)
        self.assertNotEqual(sha256(confirmed), sha256(received))
        self.assertEqual(sha256(self._pdf(statement)), sha256(confirmed), "the confirmed PDF is kept, not remade")
        # ... the portal gives a rendering showing the confirmation (HTML in test mode: no
        # force_report_rendering over HTTP) ...
        self.assertIn("张三确认", self._portal_pdf().decode())
        # ... and the PDF as sent stays available, byte for byte.
        self.assertEqual(sha256(self._portal_pdf(as_sent=True)), sha256(received))
        page = self.url_open(statement.get_portal_url())
        self.assertIn("o_statement_as_sent", page.text)
        self.assertEqual(sha256(statement._get_sent_file("pdf").raw), sha256(received))
