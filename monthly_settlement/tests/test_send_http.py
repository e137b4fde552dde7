"""Send by Email as the reviewer does it in the web client: the button opens the send dialog, the
dialog shows the email as it will go (recipients, subject and body in the customer's statement
language, attachments), the reviewer edits it and sends; the email is read back from an SMTP server.
"""

from odoo import Command
from odoo.tests import tagged

from .common import MonthlySettlementCommon
from .http_common import RpcError, WebClientCase
from .smtp_sink import deliver_to_local_smtp

STATEMENT = "monthly.settlement.statement"
PREVIEW = {
    "statement_ids": {},
    "statement_count": {},
    "partner_ids": {},
    "subject": {},
    "body": {},
    "lang": {},
    "attachment_names": {},
    "summary": {},
}


@tagged("post_install", "-at_install")
class TestSendDialogOverHttp(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("en_US")
        cls.reviewer = cls._create_settlement_user("ms_send_http", "monthly_settlement.group_settlement_reviewer")
        cls.buyer = cls.env["res.partner"].create(
            {"name": "周丽", "parent_id": cls.customer_25.id, "email": "zhou.li@buyer.example.com"}
        )
        cls.cashier = cls.env["res.partner"].create(
            {"name": "出纳 李强", "parent_id": cls.customer_25.id, "email": "li.qiang@buyer.example.com"}
        )
        cls.customer_25.write({"settlement_contact_ids": [Command.set(cls.buyer.ids)], "settlement_lang": "zh_CN"})
        cls.customer_month_end.write({"email": "ap@north.example.com", "settlement_lang": "en_US"})
        # customer_25 (cut-off 25th): 1,000 in the period 2026-09-26 to 2026-10-25.
        cls._invoice(cls.customer_25, "2026-10-10", 1000)
        cls._invoice(cls.customer_month_end, "2026-10-12", 640)

    def _approved(self, customer):
        statement = self._generate(customer, self.d("2026-11-24"))
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        return statement

    def _deliver(self):
        with deliver_to_local_smtp(self.env) as inbox:
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        self.env.invalidate_all()
        return inbox.messages

    @staticmethod
    def _html(mail):
        return mail.get_body(preferencelist=("html",)).get_content()

    def test_preview_edit_and_send_one_statement(self):
        statement = self._approved(self.customer_25)
        self.web_login(self.reviewer)
        action = self.call_button(statement, "action_send")
        self.assertEqual((action["res_model"], action["target"]), ("monthly.settlement.send", "new"))
        shown = self.open_dialog(action, PREVIEW)
        self.env.invalidate_all()  # the preview made the link's access token
        number = statement.name
        self.assertEqual(shown["statement_count"], 1)
        self.assertEqual([command[1] for command in shown["partner_ids"]], self.buyer.ids)
        self.assertEqual(shown["lang"], "zh_CN")
        self.assertEqual(shown["subject"], f"{self.env.company.name}：对账单 {number}（2026/09/26 - 2026/10/25）")
        self.assertIn("期末余额：<strong>¥\xa01,000.00</strong>", shown["body"].replace("&nbsp;", "\xa0"))
        link = f"/my/statements/{statement.id}?access_token={statement.access_token}"
        self.assertIn(link, shown["body"])
        self.assertEqual(shown["attachment_names"].splitlines(), [f"对账单 {number}.pdf", f"对账单 {number}.xlsx"])

        # Nobody to send to: refused in the reviewer's language, nothing sent.
        with self.assertRaises(RpcError) as refused:
            self.save_dialog_and_click(
                action, {"statement_ids": [Command.set(statement.ids)], "partner_ids": [Command.clear()]}, "action_send"
            )
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
        self.assertIn("华东贸易有限公司", refused.exception.message)
        self.assertRegex(refused.exception.message, "[\u4e00-\u9fff]{4}")
        self.env.invalidate_all()
        self.assertRecordValues(statement, [{"state": "approved", "delivery_state": False}])

        # The reviewer adds the cashier, changes the subject and the greeting, and sends.
        subject = f"请核对：{number} 对账单（已更新收件人）"
        body = shown["body"].replace("尊敬的客户：", "尊敬的周女士：")
        self.assertNotEqual(body, shown["body"])
        self.save_dialog_and_click(
            action,
            {
                "statement_ids": [Command.set(statement.ids)],
                "partner_ids": [Command.set((self.buyer | self.cashier).ids)],
                "subject": subject,
                "body": body,
            },
            "action_send",
        )
        self.env.invalidate_all()
        self.assertEqual(statement.delivery_state, "queued")
        delivered = [(to, mail) for to, mail in self._deliver() if mail["Subject"] == subject]
        self.assertEqual(
            sorted(to for recipients, _mail in delivered for to in recipients),
            ["li.qiang@buyer.example.com", "zhou.li@buyer.example.com"],
        )
        for _recipients, mail in delivered:
            html = self._html(mail)
            self.assertIn("尊敬的周女士：", html)
            self.assertIn(link, html.replace("&amp;", "&"))
            # The files announced in the dialog (a PDF renders as HTML in test mode, hence the stems).
            self.assertEqual(
                sorted(part.get_filename().rsplit(".", 1)[0] for part in mail.iter_attachments()),
                sorted(name.rsplit(".", 1)[0] for name in shown["attachment_names"].splitlines()),
            )
            self.assertIn(f"对账单 {number}.xlsx", [part.get_filename() for part in mail.iter_attachments()])
        self.assertRecordValues(statement, [{"state": "sent", "delivery_state": "sent", "send_uid": self.reviewer.id}])
        self.assertEqual(statement.delivery_message_id.subject, subject)

    def test_several_statements_go_with_the_template(self):
        chinese, english = self._approved(self.customer_25), self._approved(self.customer_month_end)
        statements = chinese | english
        self.web_login(self.reviewer)
        action = self.call_button(statements, "action_send")
        shown = self.open_dialog(action, PREVIEW)
        self.assertEqual(shown["statement_count"], 2)
        self.assertFalse(shown["subject"])
        self.assertIn("2", shown["summary"])
        for statement, email in ((chinese, "zhou.li@buyer.example.com"), (english, "ap@north.example.com")):
            with self.subTest(statement=statement.name):
                self.assertIn(statement.name, shown["summary"])
                self.assertIn(email, shown["summary"])
        self.save_dialog_and_click(action, {"statement_ids": [Command.set(statements.ids)]}, "action_send")
        customers = {"zhou.li@buyer.example.com", "ap@north.example.com"}
        delivered = {
            (to, mail["Subject"]) for recipients, mail in self._deliver() for to in recipients if to in customers
        }
        english_date = self.env["res.lang"].search([("code", "=", "en_US")]).date_format
        period = " - ".join(day.strftime(english_date) for day in (self.d("2026-10-01"), self.d("2026-10-31")))
        expected = {
            ("zhou.li@buyer.example.com", f"{self.env.company.name}：对账单 {chinese.name}（2026/09/26 - 2026/10/25）"),
            ("ap@north.example.com", f"{self.env.company.name}: statement {english.name} ({period})"),
        }
        self.assertEqual(delivered, expected)
        self.assertEqual(statements.mapped("state"), ["sent", "sent"])
