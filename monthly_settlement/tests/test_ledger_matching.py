"""The customer's own ledger (their payables, as they export it) matched against a statement:
by document number however they write it, by amount and date, one entry of theirs against
several of ours; the reconciliation from our balance to theirs; differences disputed in one
click; bad files refused whole with every rejected row and why."""

import base64
import io
import re

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MonthlySettlementCommon
from .http_common import WebClientCase

MATCH = "monthly.settlement.ledger.match"
COLUMNS = {
    "column_date": "日期",
    "column_reference": "凭证号",
    "column_description": "摘要",
    "column_debit": "借方",
    "column_credit": "贷方",
}


def xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["华东贸易有限公司 应付账款明细账"])  # exports start with a title
    sheet.append(["日期", "凭证号", "摘要", "借方", "贷方"])
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


@tagged("post_install", "-at_install")
class TestLedgerMatching(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls._create_settlement_user("ms_ledger_sales", "monthly_settlement.group_settlement_user")
        cls.reviewer = cls._create_settlement_user("ms_ledger_review", "monthly_settlement.group_settlement_reviewer")
        customer = cls.customer_25
        cls.inv = {
            key: cls._invoice(customer, day, amount, ref=ref)
            for key, day, amount, ref in [
                ("a", "2026-11-02", 1000, "PO-8801"),
                ("b", "2026-11-05", 2000, None),
                ("c", "2026-11-08", 3000, None),
                ("d", "2026-11-12", 500, None),
                ("e", "2026-11-15", 700, None),
                ("f", "2026-11-16", 800, None),
                ("g", "2026-11-20", 999, None),
            ]
        }
        cls.payment = cls._payment(customer, "2026-11-18", 3000)

    def _sent_statement(self):
        statement = self._generate(self.customer_25, self.d("2026-11-25"))
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-11-26"))
        return statement

    def _their_ledger(self):
        """Their payables: credit = what they owe us more, debit = what they paid."""
        a, b, c = (self.inv[key].name for key in "abc")
        full_width_a = a.replace("/", "／").replace("INV", "ＩＮＶ")
        return [
            ["2026/11/2", full_width_a, "货款", None, "1,000.00"],
            ["2026年11月5日", None, f"发票 {b.lower()} 货款", None, 2000],
            ["2026-11-08", c.lower().replace("/", " "), "货款", None, 3100],  # they booked 3,100
            ["2026.11.13", None, "11月货款", None, 500],  # no number: amount and date
            ["2026-11-16", None, "E+F 货款", None, 1500],  # one entry for two of our invoices
            ["2026-11-19", None, f"付款 {a} {b}", 3000, None],  # the payment names what it pays
            ["2026-11-22", None, "运费", None, 120],  # only in their books
        ]

    def test_matching_through_the_web_client(self):
        statement = self._sent_statement()
        self.web_login(self.salesperson)
        [match] = self.call_kw(
            MATCH,
            "web_save",
            [
                [],
                {
                    "statement_id": statement.id,
                    "ledger_file": base64.b64encode(xlsx(self._their_ledger())).decode(),
                    "ledger_filename": "华东贸易应付明细.xlsx",
                    **COLUMNS,
                },
            ],
            {"specification": {"id": {}}},
        )
        match = self.env[MATCH].browse(match["id"])
        self.call_button(match, "action_match")
        self.env.invalidate_all()

        def statuses(side):
            return {
                (line.statement_line_id.move_id.name if side == "ours" else line.row_number): line.status
                for line in match.line_ids.filtered(lambda line: line.side == side)
            }

        inv = {key: move.name for key, move in self.inv.items()}
        self.assertEqual(
            statuses("ours"),
            {
                inv["a"]: "matched",
                inv["b"]: "matched",
                inv["c"]: "difference",
                inv["d"]: "matched",
                inv["e"]: "matched",
                inv["f"]: "matched",
                inv["g"]: "only_ours",
                self.payment.move_id.name: "matched",
            },
        )
        # rows 1-2 are the title and the headers
        self.assertEqual(
            statuses("theirs"),
            {3: "matched", 4: "matched", 5: "difference", 6: "matched", 7: "matched", 8: "matched", 9: "only_theirs"},
        )
        e_and_f = match.line_ids.filtered(lambda line: line.row_number == 7 or line.reference in (inv["e"], inv["f"]))
        self.assertEqual(len(set(e_and_f.mapped("group_number"))), 1, "one entry of theirs for two invoices")

        ours = 1000 + 2000 + 3000 + 500 + 700 + 800 + 999 - 3000
        theirs = 1000 + 2000 + 3100 + 500 + 1500 - 3000 + 120
        self.assertEqual(statement.closing_balance, ours)
        self.assertRecordValues(
            match,
            [
                {
                    "state": "done",
                    "our_balance": ours,
                    "only_ours_amount": -999,
                    "only_theirs_amount": 120,
                    "difference_amount": 100,
                    "their_balance": theirs,
                }
            ],
        )
        self.assertEqual(
            self.customer_25.settlement_ledger_columns,
            {"date": "日期", "reference": "凭证号", "description": "摘要", "debit": "借方", "credit": "贷方"},
        )

        # The reviewer turns the differences into the customer's disputed lines in one click.
        self.web_login(self.reviewer)
        self.call_button(match, "action_dispute_unmatched")
        self.env.invalidate_all()
        self.assertEqual(statement.state, "disputed")
        disputed = statement.line_ids.filtered("is_disputed")
        self.assertEqual(set(disputed.move_id.mapped("name")), {inv["c"], inv["g"]})
        self.assertIn("5", disputed.filtered(lambda line: line.move_id.name == inv["c"]).dispute_comment)

    def test_next_ledger_of_the_customer_is_read_by_the_same_columns(self):
        statement = self._sent_statement()
        first = (
            self.env[MATCH]
            .with_user(self.salesperson)
            .create({"statement_id": statement.id, "ledger_file": base64.b64encode(xlsx([])), **COLUMNS})
        )
        with self.assertRaises(UserError):  # no lines under the headers
            first.action_match()
        first.ledger_file = base64.b64encode(xlsx(self._their_ledger()))
        first.ledger_filename = "ledger.xlsx"
        first.action_match()
        second = (
            self.env[MATCH]
            .with_user(self.salesperson)
            .create({"statement_id": statement.id, "ledger_file": base64.b64encode(b"x")})
        )
        self.assertEqual(
            {name: second[name] for name in COLUMNS}, COLUMNS, "the columns are remembered for the customer"
        )

    def test_bad_file_is_refused_whole_with_every_rejected_row(self):
        statement = self._sent_statement()
        csv_text = "\n".join(
            [
                "日期,凭证号,摘要,借方,贷方",
                "2026/10/5,,货款,,100",  # row 2: fine
                "5th Oct,,货款,,100",  # row 3: not a date
                "2026-10-06,,货款,,一千元",  # row 4: text in the amount
                "2026-02-30,,货款,,100",  # row 5: no such day
                "2026/10/5,,货款,,100",  # row 6: the same line as row 2
                "2026年10月7日,,货款,,",  # row 7: no amount
                ",,,,",  # blank: skipped
            ]
        ).encode("gb18030")  # as Excel saves CSV in China
        match = (
            self.env[MATCH]
            .with_user(self.salesperson)
            .create(
                {
                    "statement_id": statement.id,
                    "ledger_file": base64.b64encode(csv_text),
                    "ledger_filename": "ledger.csv",
                    **COLUMNS,
                }
            )
        )
        with self.assertRaises(UserError) as refused:
            match.with_context(lang="en_US").action_match()
        message = str(refused.exception)
        self.assertIn("5 rows", message)
        for row, reason in [
            (3, "“5th Oct” is not a date"),
            (4, "“一千元” is not an amount"),
            (5, "“2026-02-30” is not a date"),
            (6, "The same line as row 2"),
            (7, "no amount"),
        ]:
            self.assertIn(f"Row {row}: ", message)
            self.assertIn(reason, message)
        self.assertNotIn("Row 2:", message)
        self.assertEqual((match.state, len(match.line_ids)), ("draft", 0), "nothing half-imported")

        match.write({"column_date": "Date"})
        with self.assertRaisesRegex(UserError, "column headers"):
            match.with_context(lang="en_US").action_match()

    def _upload(self, statement, content, filename, **columns):
        page = self.url_open(f"/my/statements/{statement.id}").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        return self.url_open(
            f"/my/statements/{statement.id}/ledger",
            data={"csrf_token": csrf, **columns},
            files={"ledger_file": (filename, content)},
            allow_redirects=False,
        )

    def test_customer_matches_their_ledger_on_the_portal_and_disputes_the_differences(self):
        self.customer_25.settlement_delivery_portal = True
        contact = self.env["res.partner"].create(
            {"name": "周丽", "parent_id": self.customer_25.id, "email": "zhouli@huadong.example"}
        )
        self._create_portal_user("ms_ledger_portal", contact, lang="zh_CN")
        other_customer_contact = self.env["res.partner"].create(
            {"name": "王强", "parent_id": self.customer_month_end.id, "email": "wq@north.example"}
        )
        self._create_portal_user("ms_ledger_other", other_customer_contact)
        statement = self._sent_statement()
        columns = dict(COLUMNS)

        self.authenticate("ms_ledger_other", "ms_ledger_other")
        csrf = re.search(r'csrf_token: "([^"]+)"', self.url_open("/my").text)[1]
        refused = self.url_open(
            f"/my/statements/{statement.id}/ledger",
            data={"csrf_token": csrf, **columns},
            files={"ledger_file": ("ledger.xlsx", xlsx(self._their_ledger()))},
            allow_redirects=False,
        )
        self.assertEqual(refused.status_code, 404, "another customer's statement")

        self.authenticate("ms_ledger_portal", "ms_ledger_portal")
        bad = [*self._their_ledger(), ["2026-11-23", None, "运费", None, "一百二"]]
        self.assertEqual(self._upload(statement, xlsx(bad), "台账.xlsx", **columns).status_code, 303)
        page = self.url_open(f"/my/statements/{statement.id}").text
        self.assertIn("一百二", page, "the rejected row and why, in the customer's language")
        self.assertIn("10", page)
        self.assertFalse(self.env[MATCH].search([("statement_id", "=", statement.id)]), "nothing half-imported")

        self._upload(statement, xlsx(self._their_ledger()), "台账.xlsx", **columns)
        match = self.env[MATCH].search([("statement_id", "=", statement.id)])
        self.assertEqual(match.their_balance, 1000 + 2000 + 3100 + 500 + 1500 - 3000 + 120)
        page = self.url_open(f"/my/statements/{statement.id}").text
        self.assertIn("o_ledger_reconciliation", page)
        self.assertIn(self.inv["g"].name, page, "our invoice missing from their books is listed")
        self.assertEqual(self.customer_25.settlement_ledger_columns["credit"], "贷方")

        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        self.url_open(f"/my/statements/{statement.id}/ledger/dispute", data={"csrf_token": csrf})
        self.env.invalidate_all()
        self.assertRecordValues(statement, [{"state": "disputed", "answer_channel": "portal"}])
        self.assertEqual(
            set(statement.line_ids.filtered("is_disputed").move_id.mapped("name")),
            {self.inv["c"].name, self.inv["g"].name},
        )
