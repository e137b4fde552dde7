"""A customer answers statements in a real browser (Chromium), from the link of the statement email."""

import re
from urllib.parse import urlsplit

from odoo.tests import HttpCase, tagged

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon
from odoo.addons.monthly_settlement.tests.smtp_sink import deliver_to_local_smtp


@tagged("post_install", "-at_install")
class TestPortalTour(MonthlySettlementCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.settlement_four_eyes = False
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "王芳",
                "parent_id": cls.customer_25.id,
                "email": "wang.fang@buyer.example.com",
            }
        )
        cls.customer_25.settlement_contact_ids = cls.buyer
        cls.portal_user = cls._create_portal_user("wang.fang", cls.buyer)
        cls.invoice = cls._invoice(cls.customer_25, "2026-10-10", 1000)
        cls._invoice(cls.customer_25, "2026-10-20", 2500)

    def _email_link(self, statement):
        """Send the statement and return the path of the link in the email as delivered over SMTP."""
        statement._send()
        with deliver_to_local_smtp(self.env) as inbox:
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        self.assertEqual(statement.state, "sent")
        [(recipients, email)] = [
            (recipients, email)
            for recipients, email in inbox.messages
            if email["Subject"] == statement.delivery_message_id.subject
        ]
        self.assertEqual(recipients, ["wang.fang@buyer.example.com"])
        html = email.get_body(preferencelist=("html",)).get_content()
        url = re.search(r'href="([^"]*/my/statements/\d+\?access_token=[^"]+)"', html)[1]
        split = urlsplit(url.replace("&amp;", "&"))
        return f"{split.path}?{split.query}"

    def test_dispute_then_confirm_the_new_revision(self):
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        statement.action_submit()
        statement.action_approve()

        self.start_tour(self._email_link(statement), "monthly_settlement_portal_dispute")
        invoice_line = statement.line_ids.filtered(lambda line: line.move_id == self.invoice)
        self.assertRecordValues(statement, [{"state": "disputed", "dispute_comment": "请按实际收货数量更正"}])
        self.assertRecordValues(invoice_line, [{"is_disputed": True, "dispute_comment": "数量不对，应为 8 件"}])
        self.assertEqual(statement.line_ids.filtered("is_disputed"), invoice_line)
        self.assertTrue(statement.activity_ids, "the accountant has an activity to answer the dispute")

        statement.message_post(
            body="已核实，第二版对账单已更正。", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        # The customer reads the answer in the statement's conversation on the portal.
        self.start_tour(statement.get_portal_url(), "monthly_settlement_portal_answer", login="wang.fang")
        self._refund(self.customer_25, "2026-10-12", 200)  # two of the ten pieces were not delivered
        statement.action_new_revision()
        revision = statement.search([("previous_revision_id", "=", statement.id)])
        revision.action_submit()
        revision.action_approve()
        self.assertEqual(statement.superseded_by_id, revision)

        self.start_tour(self._email_link(revision), "monthly_settlement_portal_confirm", login="wang.fang")
        self.assertRecordValues(revision, [{"state": "confirmed", "confirm_name": "王芳", "revision": 2}])
        self.assertTrue(revision.confirm_signature, "the drawn signature is stored")
        self.assertTrue(revision.confirm_ip)
        self.assertEqual(statement.state, "disputed", "the superseded revision is kept as it was")
