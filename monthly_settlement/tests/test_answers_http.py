"""The customer's answers given outside the portal, recorded by the reviewer in the web client: the
buttons open a dialog asking who answered, when, how, with the customer's document, and for a
dispute the lines and why; the statement's history then says exactly that."""

import base64

from odoo.tests import tagged

from .common import MonthlySettlementCommon
from .http_common import RpcError, WebClientCase

STATEMENT = "monthly.settlement.statement"
ANSWER_FIELDS = {
    "statement_ids": {},
    "kind": {},
    "answered_by": {},
    "answered_on": {},
    "channel": {},
    "line_ids": {"fields": {"statement_line_id": {}, "is_disputed": {}, "comment": {}}},
}
SCAN = b"%PDF-1.4 stamped statement scan"


@tagged("post_install", "-at_install")
class TestAnswersOverHttp(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reviewer = cls._create_settlement_user("ms_answer_http", "monthly_settlement.group_settlement_reviewer")
        cls.invoice = cls._invoice(cls.customer_25, "2026-10-10", 1000)
        cls._invoice(cls.customer_25, "2026-10-20", 250)

    def _sent(self):
        statement = self._generate(self.customer_25, self.d("2026-11-24"))
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-11-26"))
        return statement

    def test_confirmation_by_phone_with_the_stamped_copy(self):
        statement = self._sent()
        self.web_login(self.reviewer)
        action = self.call_button(statement, "action_customer_confirmed")
        shown = self.open_dialog(action, ANSWER_FIELDS)
        self.assertEqual((shown["kind"], shown["answered_on"]), ("confirm", "2026-12-02"))
        with self.assertRaises(RpcError) as refused:
            self.save_dialog_and_click(action, {"channel": "phone", "answered_on": "2026-12-03"}, "action_record")
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")  # no name, and in the future
        self.env.invalidate_all()
        self.assertEqual(statement.state, "sent", "nothing half-written")
        self.save_dialog_and_click(
            action,
            {
                "answered_by": "周丽（应付会计）",
                "answered_on": "2026-11-30",
                "channel": "stamped_copy",
                "attachment": base64.b64encode(SCAN).decode(),
                "attachment_name": "对账单回执.pdf",
            },
            "action_record",
        )
        self.env.invalidate_all()
        self.assertRecordValues(
            statement,
            [
                {
                    "state": "confirmed",
                    "confirm_name": "周丽（应付会计）",
                    "answer_channel": "stamped_copy",
                    "answer_uid": self.reviewer.id,
                }
            ],
        )
        self.assertEqual(str(statement.answer_date.date()), "2026-11-30")
        self.assertEqual(statement.answer_attachment_id.raw, SCAN)
        note = statement.message_ids.filtered("attachment_ids")
        self.assertEqual(note.attachment_ids, statement.answer_attachment_id, "the document is in the history")
        self.assertIn("周丽（应付会计）", note.body)
        self.assertIn(self.reviewer.name, note.body, "who recorded it")

    def test_dispute_by_phone_with_lines_and_reasons(self):
        statement = self._sent()
        invoice_line = statement.line_ids.filtered(lambda line: line.move_id == self.invoice)
        self.web_login(self.reviewer)
        action = self.call_button(statement, "action_customer_disputed")
        shown = self.open_dialog(action, ANSWER_FIELDS)
        self.assertEqual(shown["kind"], "dispute")
        lines = [command[2] for command in shown["line_ids"] if command[0] == 0]
        self.assertEqual(
            {values["statement_line_id"] for values in lines},
            set(statement.line_ids.filtered(lambda line: line.line_type != "opening").ids),
            "every document of the period is offered, the opening balance is not",
        )
        marked = [
            (0, 0, dict(values, is_disputed=values["statement_line_id"] == invoice_line.id, comment="数量应为 8 件"))
            if values["statement_line_id"] == invoice_line.id
            else (0, 0, values)
            for values in lines
        ]
        with self.assertRaises(RpcError) as refused:
            blank = [(0, 0, dict(values, comment="")) for _zero, _zero2, values in marked]
            self.save_dialog_and_click(action, {"channel": "phone", "line_ids": blank}, "action_record")
        self.assertIn("请说明问题所在", refused.exception.message, "a reason is required, said in Chinese")
        self.save_dialog_and_click(
            action,
            {"answered_by": "采购 王芳", "channel": "phone", "line_ids": marked, "comment": "请按签收单更正"},
            "action_record",
        )
        self.env.invalidate_all()
        self.assertRecordValues(
            statement, [{"state": "disputed", "dispute_comment": "请按签收单更正", "answer_channel": "phone"}]
        )
        self.assertEqual(statement.line_ids.filtered("is_disputed"), invoice_line)
        self.assertEqual(invoice_line.dispute_comment, "数量应为 8 件")
