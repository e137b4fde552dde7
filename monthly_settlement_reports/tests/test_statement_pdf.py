import subprocess
import tempfile

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.monthly_settlement.tests.common import MonthlySettlementCommon

PDF_REPORT = "monthly_settlement_reports.action_report_statement_pdf"


class StatementReportCommon(MonthlySettlementCommon):
    """A statement whose every figure is known: opening 5,000.00, invoice 12,345.67, credit note
    1,000.00, payment 4,000.00, closing 12,345.67 (人民币壹万贰仟叁佰肆拾伍元陆角柒分)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"vat": "91310000MA1K000001", "street": "浦东新区世纪大道100号", "city": "上海"})
        cls.env["res.partner.bank"].create(
            {
                "partner_id": cls.env.company.partner_id.id,
                "acc_number": "6222 0000 1111 2222",
                "allow_out_payment": True,
            }
        )
        cls.customer_25.write(
            {
                "vat": "91320000MA2B000002",
                "street": "工业园区星湖街88号",
                "city": "苏州",
                "settlement_lang": "zh_CN",
            }
        )
        old_invoice = cls._invoice(cls.customer_25, "2026-09-10", 5000)
        cls._invoice(cls.customer_25, "2026-10-10", 12345.67, ref="PO-8848")
        cls._refund(cls.customer_25, "2026-10-15", 1000)
        cls._pay(old_invoice, "2026-10-20", 4000)
        cls.statement = cls.env["monthly.settlement.statement"]._generate_statements(
            cls.customer_25, cls.d("2026-11-24")
        )[0]

    def _pdf(self, statement, user=None):
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if user:
            report = report.with_user(user)
        content, kind = report._render_qweb_pdf(PDF_REPORT, statement.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        return content

    @staticmethod
    def _poppler(tool, content, *args):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            return subprocess.run(
                [tool, *args, pdf.name, *(["-"] if tool == "pdftotext" else [])],
                check=True,
                capture_output=True,
                text=True,
            ).stdout


@tagged("post_install", "-at_install")
class TestStatementPdf(StatementReportCommon, HttpCase):
    def test_chinese_statement(self):
        statement = self.statement
        self.assertRecordValues(
            statement,
            [
                {
                    "opening_balance": 5000,
                    "period_debit": 12345.67,
                    "period_credit": 5000,
                    "closing_balance": 12345.67,
                }
            ],
        )
        content = self._pdf(statement)
        text = self._poppler("pdftotext", content, "-layout")
        for expected in (
            "对账单",
            "期初余额",
            "期末余额",
            "华东贸易有限公司",
            "91320000MA2B000002",
            "91310000MA1K000001",
            "5,000.00",
            "12,345.67",
            "1,000.00",
            "4,000.00",
            "PO-8848",
            "2026/12/24",
            "人民币壹万贰仟叁佰肆拾伍元陆角柒分",
            "6222 0000 1111 2222",
            "我方确认以上余额无误",
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        fonts = self._poppler("pdffonts", content)
        cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line or ("Noto" in line and "CJK" in line)]
        self.assertTrue(cjk, fonts)
        self.assertTrue(all(" yes " in line for line in cjk), "CJK fonts are embedded")

    def test_english_customer_and_confirmation_block(self):
        self.customer_25.settlement_lang = "en_US"
        statement = self.statement
        statement.action_submit()
        self.env.company.settlement_four_eyes = False
        statement.action_approve()
        statement._mark_sent(self.d("2026-11-01"))
        statement._record_confirmation("Wang Fang")
        text = self._poppler("pdftotext", self._pdf(statement), "-layout")
        for expected in (
            "Statement of Account",
            "Opening balance",
            "Closing balance",
            "Confirmed online",
            "Wang Fang",
            "人民币壹万贰仟叁佰肆拾伍元陆角柒分",
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertNotIn("对账单", text)
        archived = self.env["ir.attachment"].search(
            [
                ("res_model", "=", statement._name),
                ("res_id", "=", statement.id),
                ("mimetype", "=", "application/pdf"),
            ]
        )
        self.assertEqual(len(archived), 1, "a confirmed statement's PDF is archived and reused")

    def test_long_statement_repeats_the_table_header(self):
        self.customer_month_end.settlement_lang = "en_US"
        for day in range(120):
            self._invoice(self.customer_month_end, f"2026-10-{day % 28 + 1:02d}", 10 + day)
        statement = self.env["monthly.settlement.statement"]._generate_statements(
            self.customer_month_end, self.d("2026-11-24")
        )[0]
        content = self._pdf(statement)
        pages = int(
            next(
                line.split()[-1] for line in self._poppler("pdfinfo", content).splitlines() if line.startswith("Pages:")
            )
        )
        self.assertGreater(pages, 2)
        for page in range(1, pages + 1):
            text = self._poppler("pdftotext", content, "-f", str(page), "-l", str(page), "-layout")
            with self.subTest(page=page):
                # every page of lines starts with the table header; only the summary may follow alone
                self.assertTrue("Debit" in text or (page == pages and "Ageing" in text), text[:300])
        text = self._poppler("pdftotext", content, "-layout")
        self.assertIn(f"{sum(10 + day for day in range(120)):,.2f}", text)
        self.assertEqual(text.count("INV/"), 120, "every invoice printed once, none cut off")

    def test_print_menu_and_access_follow_the_groups(self):
        outsider = new_test_user(self.env, login="ms_outsider", groups="account.group_account_invoice")
        auditor = self._create_settlement_user("ms_auditor_pdf", "monthly_settlement.group_settlement_auditor")
        bindings = self.env["ir.actions.actions"].with_user(outsider).get_bindings("monthly.settlement.statement")
        self.assertNotIn("Statement (PDF)", [action["name"] for action in bindings.get("report", [])])
        with self.assertRaises(AccessError):
            self._pdf(self.statement, user=outsider)
        bindings = self.env["ir.actions.actions"].with_user(auditor).get_bindings("monthly.settlement.statement")
        self.assertIn("Statement (PDF)", [action["name"] for action in bindings.get("report", [])])
        self.assertIn("12,345.67", self._poppler("pdftotext", self._pdf(self.statement, user=auditor)))

    def test_pdfs_prepared_in_the_background(self):
        self._invoice(self.customer_month_end, "2026-10-05", 800)
        other = self.env["monthly.settlement.statement"]._generate_statements(
            self.customer_month_end, self.d("2026-11-24")
        )[0]
        statements = self.statement | other
        user = self._create_settlement_user("ms_pdf_batch", "monthly_settlement.group_settlement_user")
        action = statements.with_user(user).action_prepare_pdfs()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(statements.mapped("pdf_queued"), [True, True])
        cron = self.env.ref("monthly_settlement_reports.ir_cron_render_statement_pdfs")
        self.assertTrue(cron.active)
        # What the scheduled action does per batch (run through the scheduler, the test cursor's
        # lock would keep wkhtmltopdf's asset requests waiting; its commits are not allowed here)
        statements._render_pdfs()
        for statement in statements:
            attachment = self.env["ir.attachment"].search(
                [
                    ("res_model", "=", statement._name),
                    ("res_id", "=", statement.id),
                    ("mimetype", "=", "application/pdf"),
                ]
            )
            self.assertEqual(len(attachment), 1)
            self.assertIn(statement.partner_id.name, self._poppler("pdftotext", attachment.raw))
