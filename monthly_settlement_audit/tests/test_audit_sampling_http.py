"""Audit sampling as the auditor does it in the web client: a sample made and drawn over HTTP,
reproducible from its seed, its checklist pre-filled from facts the test works out itself, the
findings exported to XLSX; the people audited cannot read it."""

import io
import random
from datetime import datetime
from unittest.mock import patch

import openpyxl

from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon
from odoo.addons.monthly_settlement.tests.http_common import RpcError, WebClientCase

SAMPLE = "monthly.settlement.audit.sample"
LINE = "monthly.settlement.audit.sample.line"
STATEMENT = "monthly.settlement.statement"
SEED = 20261125


@tagged("post_install", "-at_install")
class TestAuditSamplingOverHttp(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "monthly_settlement.group_settlement_"
        cls.auditor = cls._create_settlement_user("ms_audit_auditor", f"{group}auditor")
        cls.sales = cls._create_settlement_user("ms_audit_sales", f"{group}user")
        cls.reviewer = cls._create_settlement_user("ms_audit_reviewer", f"{group}reviewer")
        cls.manager = cls._create_settlement_user("ms_audit_manager", f"{group}manager")
        # Six customers cut off on the 25th: 1,000, 2,000... invoiced in the period to 2026-11-25.
        customers = cls.customer_25 | cls.env["res.partner"].concat(
            *(cls._create_monthly_customer(f"审计客户{index}", cutoff_day=25) for index in range(1, 6))
        )
        for index, customer in enumerate(customers, start=1):
            cls._invoice(customer, "2026-11-10", 1000 * index)
        # A draft statement of the same month: not with the customer, so not in the population.
        cls._invoice(cls.customer_month_end, "2026-11-03", 700)
        Statement = cls.env[STATEMENT]
        statements = Statement._generate_statements(customers | cls.customer_month_end, cls.d("2026-12-01"))[0]
        cls.draft = statements.filtered(lambda statement: statement.partner_id == cls.customer_month_end)
        statements = (statements - cls.draft).sorted(lambda statement: statement.partner_id.id)
        cls.good, cls.self_approved, cls.late, cls.changed, *_others = statements
        (statements).action_submit()
        # Approved by the one who prepared it, with four-eyes review off.
        cls.env.company.settlement_four_eyes = False
        cls.self_approved.action_approve()
        cls.env.company.settlement_four_eyes = True
        (statements - cls.self_approved).with_user(cls.reviewer).action_approve()
        (statements - cls.late).with_user(cls.reviewer)._mark_sent(cls.d("2026-11-27"))
        cls.late.with_user(cls.reviewer)._mark_sent(cls.d("2026-12-01"))  # 6 days after the cut-off
        cls.good._record_confirmation("王芳")
        # A payment posted afterwards, backdated into the period: the books no longer say 4,000.
        cls.payment = cls._payment(cls.changed.partner_id, "2026-11-20", 300)
        cls.population = statements.sorted("id")

    def _create_sample(self, **values):
        return self.env[SAMPLE].browse(
            self.call_kw(
                SAMPLE,
                "create",
                [{"date_from": "2026-11-01", "date_to": "2026-11-30", "sample_size": 3, "seed": SEED, **values}],
            )
        )

    def _drawn_ids(self, sample):
        self.env.invalidate_all()
        return sample.line_ids.sorted("sequence").statement_id.ids

    def test_draw_is_reproducible_from_its_seed(self):
        self.web_login(self.auditor)
        views = self.call_kw(SAMPLE, "get_views", [[[False, "list"], [False, "form"]]], {"options": {}})["views"]
        self.assertIn('name="action_redraw"', views["form"]["arch"])
        self.assertIn('editable="bottom"', views["form"]["arch"], "the checklist is completed inline")
        sample = self._create_sample()
        self.call_button(sample, "action_draw")
        expected = random.Random(SEED).sample(self.population.ids, 3)
        self.assertEqual(self._drawn_ids(sample), expected)
        self.assertRecordValues(sample, [{"state": "drawn", "population_count": 6, "draw_uid": self.auditor.id}])
        self.assertNotIn(self.draft.id, self._drawn_ids(sample))

        # The same seed draws the same statements, the percentage is rounded up (50% of 6: 3).
        again = self._create_sample(sample_method="percent", sample_percent=50)
        self.call_button(again, "action_draw")
        self.assertEqual(self._drawn_ids(again), expected)

        # Drawn, the sample's seed and period are what reproduce it: changed only from draft.
        with self.assertRaises(RpcError) as refused:
            self.call_kw(SAMPLE, "write", [sample.ids, {"seed": 7}])
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")

        # Redraw takes a new seed, recorded, which draws the new sample.
        self.call_button(sample, "action_redraw")
        self.env.invalidate_all()
        self.assertNotEqual(sample.seed, SEED)
        self.assertEqual(self._drawn_ids(sample), random.Random(sample.seed).sample(self.population.ids, 3))

        # Once findings are written, the sample is not redrawn.
        [line_id] = sample.line_ids[:1].ids
        self.call_kw(
            SAMPLE,
            "web_save",
            [sample.ids, {"line_ids": [[1, line_id, {"findings": "抽查发现"}]]}],
            {"specification": {}},
        )
        with self.assertRaises(RpcError) as refused:
            self.call_button(sample, "action_redraw")
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")

        # Nothing with the customers in the period: said so, in Chinese.
        empty = self._create_sample(date_from="2025-11-01", date_to="2025-11-30")
        with self.assertRaises(RpcError) as refused:
            self.call_button(empty, "action_draw")
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")
        self.assertIn("无可抽样", refused.exception.message)
        self.env.invalidate_all()
        self.assertEqual(empty.state, "draft")

        # Bad input: a clear message, nothing saved.
        with self.assertRaises(RpcError) as refused:
            self._create_sample(date_from="2026-12-01")
        self.assertEqual(refused.exception.name, "odoo.exceptions.ValidationError")
        self.assertRegex(refused.exception.message, "[\u4e00-\u9fff]", "in the auditor's language")

    def test_people_audited_cannot_read_samples(self):
        self.web_login(self.auditor)
        sample = self._create_sample()
        self.call_button(sample, "action_draw")
        for user in (self.sales, self.reviewer):
            with self.subTest(user=user.login):
                self.web_login(user)
                self.assertEqual(self.call_kw(SAMPLE, "search_read", [[]], {"fields": ["name"]}), [])
                with self.assertRaises(RpcError) as refused:
                    self.call_kw(SAMPLE, "read", [sample.ids, ["name"]])
                self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")
                with self.assertRaises(RpcError):
                    self.call_kw(LINE, "read", [sample.line_ids.ids, ["findings"]])
        # Managers read them, and change nothing.
        self.web_login(self.manager)
        [read] = self.call_kw(SAMPLE, "read", [sample.ids, ["seed"]])
        self.assertEqual(read["seed"], SEED)
        with self.assertRaises(RpcError) as refused:
            self.call_kw(LINE, "write", [sample.line_ids[:1].ids, {"findings": "改"}])
        self.assertEqual(refused.exception.name, "odoo.exceptions.AccessError")

    def test_checklist_facts_and_findings_export(self):
        self.web_login(self.auditor)
        sample = self._create_sample(sample_method="percent", sample_percent=100)
        self.call_button(sample, "action_draw")
        self.env.invalidate_all()
        lines = {line.statement_id: line for line in sample.line_ids}
        self.assertEqual(set(lines), set(self.population))
        # Integrity comes from the archive's check once the statement model has one; none of these
        # statements is archived.
        integrity = "na" if hasattr(self.env[STATEMENT], "_integrity_problems") else "not_checked"
        expected = {
            self.good: ("ok", "ok", "ok", "ok"),
            self.self_approved: ("ok", "exception", "ok", "exception"),
            self.late: ("ok", "ok", "exception", "exception"),
            self.changed: ("exception", "ok", "ok", "exception"),
        }
        for statement, (ledger, four_eyes, sent, confirmation) in expected.items():
            with self.subTest(statement=statement.partner_id.name):
                self.assertRecordValues(
                    lines[statement],
                    [
                        {
                            "ledger_result": ledger,
                            "four_eyes_result": four_eyes,
                            "sent_result": sent,
                            "confirmation_result": confirmation,
                            "integrity_result": integrity,
                        }
                    ],
                )
        # The ledger figures: 4,000 invoiced, 300 paid in the period afterwards.
        self.assertEqual(self.changed.closing_balance, 4000)
        self.assertEqual(lines[self.changed].ledger_balance, 4000 - 300)
        self.assertEqual(lines[self.good].ledger_balance, 1000)
        self.assertEqual(lines[self.late].send_delay_days, 6)
        self.assertEqual(lines[self.good].send_delay_days, 2)

        # The auditor completes the line inline, as the form's checklist saves it.
        changed = lines[self.changed]
        self.call_kw(
            SAMPLE,
            "web_save",
            [
                sample.ids,
                {
                    "line_ids": [
                        [
                            1,
                            changed.id,
                            {
                                "findings": "对账单后补记付款300元",
                                "corrective_action": "重新出具对账单",
                                "status": "checked",
                            },
                        ]
                    ]
                },
            ],
            {"specification": {}},
        )
        self.env.invalidate_all()
        self.assertRecordValues(changed, [{"status": "checked", "checked_uid": self.auditor.id}])
        with self.assertRaises(RpcError) as refused:
            self.call_kw(LINE, "write", [changed.ids, {"statement_id": self.draft.id}])
        self.assertEqual(refused.exception.name, "odoo.exceptions.UserError")

        # The findings in XLSX, downloaded as the web client does.
        action = self.call_button(sample, "action_export_xlsx")
        self.assertEqual(action["report_name"], "monthly_settlement_audit.report_audit_sample_xlsx")
        response = self.url_open(f"/report/xlsx/{action['report_name']}/{sample.id}")
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        labels = {row[0]: row[1] for row in rows[1:8]}
        self.assertEqual(labels["种子"], SEED)
        self.assertEqual(labels["总体"], 6)
        header_index = next(index for index, row in enumerate(rows) if row[0] == "序号")
        header = rows[header_index]
        by_statement = {row[header.index("对账单")]: row for row in rows[header_index + 1 :]}
        row = by_statement[self.changed.display_name]
        self.assertEqual(row[header.index("客户")], self.changed.partner_id.name)
        self.assertEqual(row[header.index("对账日")], datetime(2026, 11, 25))
        self.assertEqual(row[header.index("期末余额")], 4000)
        self.assertEqual(row[header.index("当前账面余额")], 3700)
        self.assertEqual(row[header.index("与账面一致")], "异常")
        self.assertEqual(row[header.index("发现的问题")], "对账单后补记付款300元")
        self.assertEqual(row[header.index("整改措施")], "重新出具对账单")
        self.assertEqual(row[header.index("状态")], "已检查")
        self.assertEqual(by_statement[self.late.display_name][header.index("按时发送")], "异常")
        self.assertEqual(by_statement[self.good.display_name][header.index("客户确认")], "正常")

    def test_integrity_comes_from_the_archive_check(self):
        """The archive's ``_integrity_problems`` ({archived statement id: [problems]}) gives the result
        once the statement model has it: its problems are the line's, the others are intact (or not
        archived, where the statements say which)."""

        def integrity_problems(statements):
            return {self.changed.id: ["内容哈希不一致", "链接断开"]}

        with patch.object(type(self.env[STATEMENT]), "_integrity_problems", integrity_problems, create=True):
            results = self.env[LINE]._integrity_results(self.good | self.changed)
        self.assertEqual(results[self.changed.id], ("exception", "内容哈希不一致\n链接断开"))
        unarchived = "archive_entry_id" in self.env[STATEMENT]._fields
        self.assertEqual(results[self.good.id], ("na" if unarchived else "ok", False))
