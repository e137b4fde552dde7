"""The demo as its users read it (run on the demo database, see setup/test.sh): everything a
Chinese customer or a Chinese-speaking employee reads about the Chinese customers' statements is
Chinese, and what the English-speaking customer receives is English."""

import re

from odoo.tests import TransactionCase, tagged
from odoo.tools import html2plaintext

from odoo.addons.monthly_settlement.models.monthly_settlement_demo import DEMO_CUSTOMERS

CHINESE = re.compile("[\u4e00-\u9fff]")


@tagged("post_install", "-at_install")
class TestDemoLanguage(TransactionCase):
    def _demo_statements(self, lang):
        customers = self.env["res.partner"].browse(
            self.env.ref(f"monthly_settlement.{xmlid}").id for xmlid, _amounts in DEMO_CUSTOMERS
        )
        return (
            self.env["monthly.settlement.statement"]
            .search([("partner_id", "in", customers.ids)])
            .filtered(lambda statement: statement._get_statement_lang() == lang)
        )

    @staticmethod
    def _texts(messages):
        return [(message, html2plaintext(message.body or "").strip()) for message in messages]

    def test_chinese_customers_read_chinese(self):
        statements = self._demo_statements("zh_CN")
        self.assertGreater(len(statements), 20)
        texts = [(message, text) for message, text in self._texts(statements.message_ids) if text]
        self.assertGreater(len(texts), 20, "reminders, answers, reviews and rejections are in the chatter")
        for message, text in texts:
            with self.subTest(message=message.id, statement=message.record_name):
                self.assertRegex(text, CHINESE, text)
        activities = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", statements._name), ("res_id", "in", statements.ids)])
        )
        self.assertTrue(activities)
        for activity in activities:
            with self.subTest(activity=activity.id):
                self.assertRegex(activity.summary or "", CHINESE, activity.summary)

    def test_english_customer_receives_english(self):
        statements = self._demo_statements("en_US")
        self.assertTrue(statements)
        names = {statements.company_id.name, *statements.partner_id.mapped("name")}
        received = statements.message_ids.filtered(
            lambda message: message.message_type in ("comment", "email") and not message.subtype_id.internal
        )
        texts = [(message, text) for message, text in self._texts(received) if text]
        self.assertTrue(texts, "the customer received payment reminders")
        for message, text in texts:
            for name in names:
                text = text.replace(name, "")
            with self.subTest(message=message.id, subject=message.subject):
                self.assertNotRegex(text, CHINESE, text)
                self.assertRegex(text, "[Ss]tatement")
