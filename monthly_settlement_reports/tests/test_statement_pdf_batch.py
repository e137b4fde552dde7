"""Statement PDFs made many at a time: one wkhtmltopdf run, split into one PDF per statement.
Real PDFs (wkhtmltopdf), read back with pdftotext; each statement's pages in the batch are compared
with the same statement rendered alone."""

from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from odoo.addons.monthly_settlement.tests.http_common import WebClientCase

from ..models import ir_actions_report
from ..models.ir_actions_report import SPLIT_MARKER
from .test_statement_pdf import PDF_REPORT, StatementReportCommon


@tagged("post_install", "-at_install")
class TestStatementPdfBatch(StatementReportCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.settlement_four_eyes = False
        cls.customer_month_end.settlement_lang = "en_US"
        for day in range(120):
            cls._invoice(cls.customer_month_end, f"2026-10-{day % 28 + 1:02d}", 10 + day)
        cls.short_customer = cls._create_monthly_customer("西南建材有限公司", cutoff_day=25, settlement_lang="zh_CN")
        cls._invoice(cls.short_customer, "2026-10-12", 321.5)
        Statement = cls.env["monthly.settlement.statement"]
        cls.long_statement = Statement._generate_statements(cls.customer_month_end, cls.d("2026-11-24"))[0]
        cls.short_statement = Statement._generate_statements(cls.short_customer, cls.d("2026-11-24"))[0]
        # long in the middle: a statement of several pages between two of one page
        cls.statements = cls.statement | cls.long_statement | cls.short_statement
        cls.statements.action_submit()
        cls.statements.action_approve()

    def _pages(self, content):
        info = self._poppler("pdfinfo", content)
        count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        return [
            self._poppler("pdftotext", content, "-f", str(page), "-l", str(page), "-layout")
            for page in range(1, count + 1)
        ]

    def _attached_pdfs(self, statement):
        return self.env["ir.attachment"].search(
            [("res_model", "=", statement._name), ("res_id", "=", statement.id), ("mimetype", "=", "application/pdf")]
        )

    def test_each_statement_gets_exactly_its_own_pages(self):
        self.assertEqual(len(set(self.statements.mapped("name"))), 3)
        self.statements._render_pdfs()
        report = self.env.ref(PDF_REPORT)
        for statement in self.statements:
            with self.subTest(statement=statement.name):
                attachment = self._attached_pdfs(statement)
                self.assertEqual(len(attachment), 1)
                self.assertNotIn(SPLIT_MARKER.encode(), attachment.raw, "the split's markers are removed")
                pages = self._pages(attachment.raw)
                alone = self._pages(
                    self.env["ir.actions.report"]._render_statement_pdfs(report, statement.ids)[statement.id]
                )
                self.assertEqual(pages, alone, "the same pages as the statement rendered on its own")
                self.assertIn(statement.name, pages[0])
                text = "".join(pages)
                self.assertIn(statement.partner_id.name, text)
                for other in self.statements - statement:
                    self.assertNotIn(other.name, text)
                    self.assertNotIn(other.partner_id.name, text)
        long_pages = self._pages(self._attached_pdfs(self.long_statement).raw)
        self.assertGreater(len(long_pages), 2)
        self.assertEqual("".join(long_pages).count("INV/"), 120, "every invoice of the long statement, none lost")
        chinese = "".join(self._pages(self._attached_pdfs(self.statement).raw))
        for expected in ("对账单", "华东贸易有限公司", "人民币壹万贰仟叁佰肆拾伍元陆角柒分", "12,345.67"):
            self.assertIn(expected, chinese)
        self.assertIn("西南建材有限公司", "".join(self._pages(self._attached_pdfs(self.short_statement).raw)))

    def test_without_start_marks_the_statements_are_rendered_one_by_one(self):
        report = self.env.ref(PDF_REPORT)
        Report = self.env["ir.actions.report"]
        with (
            patch.object(ir_actions_report, "_page_markers", return_value=[]),
            self.assertLogs(ir_actions_report.__name__, "WARNING"),
        ):
            pdfs = Report._render_statement_pdfs(report, self.statements.ids)
        for statement in self.statements:
            pages = self._pages(pdfs[statement.id])
            self.assertIn(statement.name, pages[0])
            self.assertNotIn((self.statements - statement)[0].name, "".join(pages))

    def test_rendering_again_makes_no_second_pdf(self):
        self.statements._render_pdfs()
        first = {statement: self._attached_pdfs(statement) for statement in self.statements}
        self.statements._render_pdfs()  # a retried job
        for statement in self.statements:
            self.assertEqual(self._attached_pdfs(statement), first[statement])
            self.assertEqual(len(first[statement]), 1)
        # printed on demand, the prepared PDF is the one given
        content, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(PDF_REPORT, self.short_statement.ids)
        )
        self.assertEqual(content, first[self.short_statement].raw)

    def test_regenerated_draft_gets_a_new_pdf_in_place(self):
        customer = self._create_monthly_customer("东海物流有限公司", cutoff_day=25)
        self._invoice(customer, "2026-10-05", 100)
        draft = self.env["monthly.settlement.statement"]._generate_statements(customer, self.d("2026-11-24"))[0]
        draft._render_pdfs()
        prepared = self._attached_pdfs(draft)
        self.assertEqual(len(prepared), 1)
        self._invoice(draft.partner_id, "2026-10-20", 777.77)
        with freeze_time("2026-12-02 10:00:00", tick=True):
            draft.action_regenerate()
            draft._render_pdfs()
        self.assertEqual(self._attached_pdfs(draft), prepared, "the PDF of the draft before is replaced, not added to")
        self.assertIn("777.77", self._poppler("pdftotext", prepared.raw))

    def test_sent_statement_keeps_the_file_sent(self):
        statement = self.short_statement
        statement.with_context(force_report_rendering=True)._mark_sent(self.d("2026-11-30"))
        sent = statement._get_sent_file("pdf")
        self.assertTrue(sent)
        before = self._attached_pdfs(statement)
        statement._render_pdfs()
        self.assertEqual(self._attached_pdfs(statement), before, "nothing rendered for a statement sent")
        content, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(PDF_REPORT, statement.ids)
        )
        self.assertEqual(content, sent.raw)

    def test_print_several_statements_over_http(self):
        user = self.web_login(self._create_settlement_user("ms_pdf_print", "monthly_settlement.group_settlement_user"))
        report = self.env.ref(PDF_REPORT).with_user(user)
        ids = ",".join(str(statement_id) for statement_id in self.statements.ids)
        context = '{"force_report_rendering": true}'
        response = self.url_open(f"/report/pdf/{report.report_name}/{ids}?context={context}")
        self.assertEqual(response.status_code, 200)
        pages = self._pages(response.content)
        Report = self.env["ir.actions.report"]
        lengths = [
            len(self._pages(Report._render_statement_pdfs(report, statement.ids)[statement.id]))
            for statement in self.statements
        ]
        self.assertEqual(len(pages), sum(lengths))
        start = 0
        for statement, length in zip(self.statements, lengths, strict=True):
            self.assertIn(statement.name, pages[start])
            start += length
