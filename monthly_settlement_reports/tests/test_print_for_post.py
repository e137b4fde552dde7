"""Paper statements as the reviewer handles them in the web client: the To Print list, Print for
Post on a selection (posting date, one PDF for window envelopes, the posting recorded), read back
from the real PDF."""

import re
from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.http_common import RpcError, WebClientCase
from odoo.addons.monthly_settlement.tests.smtp_sink import deliver_to_local_smtp

from .test_statement_pdf import StatementReportCommon

STATEMENT = "monthly.settlement.statement"
MM_PER_PT = 25.4 / 72
# DL window envelope (110 x 220 mm), window 90 x 45 mm, 20 mm from the left and 15 mm from the
# bottom edge: on an A4 folded in three, the window shows 20 to 110 mm from the left edge and
# 50 to 95 mm from the top edge of the page.
WINDOW = {"left": 20, "right": 110, "top": 50, "bottom": 95}


@tagged("post_install", "-at_install")
class TestPrintForPost(StatementReportCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reviewer = cls._create_settlement_user("ms_post_http", "monthly_settlement.group_settlement_reviewer")
        # Paper only, to the purchasing contact at another address than the customer's.
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "采购部 周丽",
                "parent_id": cls.customer_25.id,
                "type": "other",
                "street": "苏州工业园区金鸡湖大道1355号",
                "city": "苏州",
                "zip": "215021",
            }
        )
        cls.customer_25.write(
            {
                "settlement_delivery_email": False,
                "settlement_delivery_paper": True,
                "settlement_paper_contact_id": cls.buyer.id,
            }
        )
        # Email and paper, to the customer itself.
        cls.customer_month_end.write(
            {
                "street": "朝阳区建国路88号",
                "city": "北京",
                "zip": "100022",
                "email": "ap@north.example.com",
                "settlement_lang": "zh_CN",
                "settlement_delivery_paper": True,
            }
        )
        cls._invoice(cls.customer_month_end, "2026-10-12", 640)
        # Email only: never to print.
        cls.email_only = cls._create_monthly_customer(
            "杭州电子有限公司", cutoff_day=25, email="ap@hz.example.com", street="西湖区文三路1号", city="杭州"
        )
        cls._invoice(cls.email_only, "2026-10-13", 300)

    def _approve(self, statement):
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        return statement

    def _page_texts(self, content):
        info = self._poppler("pdfinfo", content)
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])
        return [
            self._poppler("pdftotext", content, "-f", str(page), "-l", str(page), "-layout")
            for page in range(1, pages + 1)
        ]

    def _word_boxes(self, content, page, word):
        """Boxes (left, top, right, bottom in mm from the page's top-left corner) of ``word`` on ``page``."""
        html = self._poppler("pdftotext", content, "-f", str(page), "-l", str(page), "-bbox")
        return [
            tuple(float(value) * MM_PER_PT for value in match)
            for match in re.findall(
                rf'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">{re.escape(word)}</word>', html
            )
        ]

    def test_to_print_then_print_for_post(self):
        on_paper = self._approve(self.statement)
        both = self._approve(self._generate(self.customer_month_end, self.d("2026-11-24")))
        email_only = self._approve(self._generate(self.email_only, self.d("2026-11-24")))
        both._send()
        with deliver_to_local_smtp(self.env):
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        self.assertRecordValues(both, [{"state": "sent", "delivery_state": "sent"}])
        emailed_on = both.send_date

        self.web_login(self.reviewer)
        # The To Print list: approved paper statements, and the emailed one not posted yet.
        action = self.rpc(
            "/web/action/load", {"action_id": "monthly_settlement.action_monthly_settlement_statement_to_print"}
        )
        self.assertEqual(action["context"], "{'search_default_to_print': 1}")
        listed = self.call_kw(
            STATEMENT, "web_search_read", [], {"domain": [("is_to_print", "=", True)], "specification": {"name": {}}}
        )
        self.assertEqual({record["id"] for record in listed["records"]}, {on_paper.id, both.id})
        self.assertNotIn(email_only.id, [record["id"] for record in listed["records"]])

        statements = on_paper | both
        action = self.call_button(statements, "action_print_for_post")
        self.assertEqual((action["res_model"], action["target"]), ("monthly.settlement.print.post", "new"))
        shown = self.open_dialog(action, {"statement_ids": {}, "post_date": {}})
        self.assertEqual(
            ([command[1] for command in shown["statement_ids"]], shown["post_date"]), (statements.ids, "2026-12-02")
        )

        # A posting date in the future is refused; nothing is recorded.
        with self.assertRaises(RpcError) as refused:
            self.save_dialog_and_click(
                action, {"statement_ids": [Command.set(statements.ids)], "post_date": "2026-12-03"}, "action_print"
            )
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
        self.assertRegex(refused.exception.message, "[\u4e00-\u9fff]")
        self.env.invalidate_all()
        self.assertEqual(statements.mapped("post_date"), [False, False])

        download = self.save_dialog_and_click(
            action, {"statement_ids": [Command.set(statements.ids)], "post_date": "2026-12-01"}, "action_print"
        )
        self.assertEqual(download["type"], "ir.actions.report")
        self.assertEqual(download["report_name"], "monthly_settlement_reports.report_statement_post")
        self.assertTrue(download["close_on_report_download"])
        # by customer: 北方机械有限公司 (both) before 华东贸易有限公司 (on paper)
        self.assertEqual(download["context"]["active_ids"], [both.id, on_paper.id])

        # The posting is recorded: the paper statement is sent that day, the emailed one keeps its state.
        self.env.invalidate_all()
        self.assertRecordValues(
            statements,
            [
                {
                    "state": "sent",
                    "post_date": self.d("2026-12-01"),
                    "send_date": datetime(2026, 12, 1, 12),
                    "send_uid": self.reviewer.id,
                    "delivery_state": False,
                    "is_to_print": False,
                },
                {
                    "state": "sent",
                    "post_date": self.d("2026-12-01"),
                    "send_date": emailed_on,
                    "send_uid": self.env.uid,
                    "delivery_state": "sent",
                    "is_to_print": False,
                },
            ],
        )
        [form] = self.call_kw(STATEMENT, "web_read", [on_paper.ids], {"specification": {"post_date": {}}})
        self.assertEqual(form["post_date"], "2026-12-01")
        form_view = self.call_kw(STATEMENT, "get_views", [[[False, "form"]]], {})["views"]["form"]["arch"]
        self.assertIn('name="post_date"', form_view)

        # The PDF the web client downloads, rendered as /report/download does (a wkhtmltopdf
        # started inside a test request would wait for the test cursor to serve its CSS).
        content = self._pdf_of_action(download)
        pages = self._page_texts(content)
        self.assertEqual(len(pages), 2, "each short statement on one page of its own")
        expected = [
            (both, ["北方机械有限公司", "朝阳区建国路88号"]),
            (on_paper, ["采购部 周丽", "苏州工业园区金鸡湖大道1355号"]),
        ]
        for page, (statement, address) in enumerate(expected, start=1):
            with self.subTest(page=page, statement=statement.name):
                text = pages[page - 1]
                self.assertIn(statement.name, text)
                for line in address:
                    self.assertIn(line, text)
                other = expected[2 - page][0]
                self.assertNotIn(other.name, text)
                # The paper contact's name is in the envelope window.
                # (first occurrence on the page: the customer block below repeats the customer's name)
                left, top, right, bottom = self._word_boxes(content, page, address[0].split()[-1])[0]
                self.assertGreaterEqual(left, WINDOW["left"])
                self.assertLessEqual(right, WINDOW["right"])
                self.assertGreaterEqual(top, WINDOW["top"])
                self.assertLessEqual(bottom, WINDOW["bottom"])
        self.assertNotIn("杭州电子有限公司", "".join(pages))

        # Posted statements, and statements of customers without paper, are not printed for post.
        for statement in (on_paper, email_only):
            with self.subTest(refused=statement.name), self.assertRaises(RpcError) as refused:
                again = self.call_button(statement, "action_print_for_post")
                self.save_dialog_and_click(
                    again, {"statement_ids": [Command.set(statement.ids)], "post_date": "2026-12-02"}, "action_print"
                )
            self.assertIn(statement.name, refused.exception.message)

    def _pdf_of_action(self, action):
        report = self.env["ir.actions.report"].with_user(self.reviewer).with_context(force_report_rendering=True)
        content, kind = report._render_qweb_pdf(action["report_name"], action["context"]["active_ids"])
        self.assertEqual(kind, "pdf")
        return content
