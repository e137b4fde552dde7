import io
import logging
import os
import tempfile
from collections import OrderedDict

import lxml.html
from lxml import etree
from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import _run_wkhtmltopdf

from ..tools.css_prune import prune_css

_logger = logging.getLogger(__name__)

STATEMENT_MODEL = "monthly.settlement.statement"
STATEMENT_PDF = "monthly_settlement_reports.action_report_statement_pdf"
STATEMENT_XLSX = "monthly_settlement_reports.action_report_statement_xlsx"
# The first page of each statement in a PDF of several carries a link to this address followed by
# the statement's id: wkhtmltopdf makes it a link annotation on the page where the statement starts,
# which the split reads and then removes (no text is added to the statement).
SPLIT_MARKER = "https://monthly-settlement.invalid/statement/"
ARTICLES = "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]"
# The report's CSS, inlined (wkhtmltopdf would fetch it from the Odoo server over HTTP).
CSS_BUNDLES = ("web.report_assets_pdf", "web.report_assets_common")


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def retrieve_attachment(self, record):
        """A statement's PDF is the file the customer received, byte for byte, until their answer
        (confirmed, deemed confirmed) is printed on it: that one is made once and kept (the report's
        `attachment`), the file sent staying available as what was sent. Before sending, the PDF
        prepared for the statement as it stands (`_render_pdfs`) is the one printed."""
        if record._name != STATEMENT_MODEL or self != self.env.ref(STATEMENT_PDF):
            return super().retrieve_attachment(record)
        if not record._report_shows_answer(self):
            return record._get_sent_file("pdf").sudo() or record._get_prepared_pdf() or None
        return super().retrieve_attachment(record)

    def _render_xlsx(self, report_ref, docids, data):
        """A sent statement's workbook, printed again, is the one the customer received (unless it
        shows the customer's answer given since)."""
        report = self._get_report(report_ref)
        if report == self.env.ref(STATEMENT_XLSX) and docids and len(docids) == 1:
            statement = self.env[STATEMENT_MODEL].browse(docids)
            sent = statement._get_sent_file("xlsx")
            if sent and not statement._report_shows_answer(report):
                return sent.sudo().raw, "xlsx"
        return super()._render_xlsx(report_ref, docids, data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Statement PDFs (one, a list selection, Print for Post, the month-end batches): the
        statements without a PDF to reuse are rendered in one wkhtmltopdf run and the result split
        into one PDF per statement (see `_render_statement_pdfs`)."""
        report = self._get_report(report_ref)
        if (
            report.model != STATEMENT_MODEL
            or not res_ids
            or len(set(res_ids)) != len(res_ids)
            or self.env.context.get("statement_pdf_one_per_call")  # the former path, for the benchmark
        ):
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        use_attachments = report.attachment and not self.env.context.get("report_pdf_no_attachment")
        streams = OrderedDict()
        for statement in self.env[STATEMENT_MODEL].browse(res_ids):
            attachment = report.retrieve_attachment(statement) if use_attachments else None
            stream = io.BytesIO(attachment.raw) if attachment and report.attachment_use else None
            streams[statement.id] = {"stream": stream, "attachment": attachment}
        missing = [res_id for res_id, stream in streams.items() if not stream["stream"]]
        if missing:
            for res_id, content in self._render_statement_pdfs(report, missing, data).items():
                streams[res_id]["stream"] = io.BytesIO(content)
        return streams

    def _render_statement_pdfs(self, report, res_ids, data=None):
        """{statement id: PDF bytes} of these statements, made by one wkhtmltopdf run.

        Each statement starts on a new page, its first page marked by a link annotation
        (`SPLIT_MARKER`) that wkhtmltopdf places where the statement's first element lands. The
        markers, not page counts worked out from the HTML, say where to cut: how many pages a
        statement takes depends on how its address, notes and summary blocks wrap, which only the
        layout engine knows. The split checks that every statement has exactly one marker, in order,
        the first on the first page; otherwise it renders the statements one by one."""
        html, paperformat_args = self._statement_pdf_html(report, res_ids, data, marked=len(res_ids) > 1)
        content = self._run_statement_wkhtmltopdf(report, html, paperformat_args)
        if len(res_ids) == 1:
            return {res_ids[0]: content}
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        firsts = [(index, res_id) for index, page in enumerate(reader.pages) for res_id in _page_markers(page)]
        if (
            [res_id for _index, res_id in firsts] != list(res_ids)
            or firsts[0][0] != 0
            or len({i for i, _r in firsts}) != len(firsts)
        ):
            _logger.warning("Statement PDFs %s: start pages not found, rendered one by one", res_ids)
            return {res_id: self._render_statement_pdfs(report, [res_id], data)[res_id] for res_id in res_ids}
        ends = [index for index, _res_id in firsts[1:]] + [len(reader.pages)]
        pdfs = {}
        for (start, res_id), end in zip(firsts, ends, strict=True):
            writer = PdfFileWriter()
            for index in range(start, end):
                page = reader.pages[index]
                _remove_markers(page)
                writer.add_page(page)
            stream = io.BytesIO()
            writer.write(stream)
            pdfs[res_id] = stream.getvalue()
        return pdfs

    def _statement_pdf_html(self, report, res_ids, data, marked):
        """One HTML document of the statements (the report's articles one after the other, each
        from a new page) with the report's CSS inlined, and the paper format arguments of the
        report's <html> tag."""
        data = dict(data or {}, report_type="pdf", debug=False)
        html = self.with_context(debug=False)._render_qweb_html(report.id, res_ids, data=data)[0]
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        articles = root.xpath(ARTICLES)
        if [int(article.get("data-oe-id") or 0) for article in articles] != list(res_ids):
            raise UserError(
                self.env._(
                    "Report template “%(report)s” must print each statement in its own article.", report=report.name
                )
            )
        for index, article in enumerate(articles):
            if index:
                article.set("style", "page-break-before: always;")
            if marked:
                # a block 1px high with the next one pulled up by as much: nothing moves
                marker = etree.Element("a", href=f"{SPLIT_MARKER}{article.get('data-oe-id')}")
                marker.set("style", "display: block; height: 1px; margin-bottom: -1px;")
                article.insert(0, marker)
        layout = self._get_layout()
        document = self.env["ir.qweb"]._render(
            layout.id,
            {
                "subst": False,
                "body": Markup("".join(lxml.html.tostring(article, encoding="unicode") for article in articles)),
                "base_url": report._get_report_url(layout=layout),
                "report_xml_id": report.xml_id,
                "debug": False,
            },
        )
        paperformat_args = {name: value for name, value in root.items() if name.startswith("data-report-")}
        return self._inline_report_css(str(document)), paperformat_args

    def _inline_report_css(self, html):
        """The document with the report's CSS bundles in <style> instead of links: wkhtmltopdf
        fetching them over HTTP from the Odoo server costs time, and needs the server. Only the
        rules that may apply to the document are kept (see `tools.css_prune`): on a batch of 40
        statements, 10 KB of the bundles' 400 KB, wkhtmltopdf's time halved, every text at the
        same place on the page (pdftotext -bbox)."""
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        head = root.find("head")
        for link in head.xpath("link[@rel='stylesheet'][starts-with(@href, '/web/assets/')]"):
            head.remove(link)
        elements = [element for element in root.iter() if isinstance(element.tag, str)]
        classes = frozenset(name for element in elements for name in (element.get("class") or "").split())
        ids = frozenset(element.get("id") for element in elements if element.get("id"))
        tags = frozenset(element.tag.lower() for element in elements)
        style = etree.Element("style")
        style.text = "\n".join(prune_css(self._report_css(bundle), classes, ids, tags) for bundle in CSS_BUNDLES)
        head.insert(1, style)
        return "<!DOCTYPE html>" + lxml.html.tostring(root, encoding="unicode")

    def _report_css(self, bundle_name):
        bundle = self.env["ir.qweb"]._get_asset_bundle(bundle_name, js=False, autoprefix=True)
        return "\n".join(attachment.raw.decode() for attachment in bundle.css())

    def _run_statement_wkhtmltopdf(self, report, html, paperformat_args):
        """The PDF of ``html``, with the report's paper format. No JavaScript delay: the document
        has no script (the layout's header/footer script is for reports with headers)."""
        args = self._build_wkhtmltopdf_args(report.get_paperformat(), None, specific_paperformat_args=paperformat_args)
        delay = args.index("--javascript-delay")
        args[delay + 1] = "0"
        with tempfile.TemporaryDirectory(prefix="statement_pdf.") as folder:
            html_path, pdf_path = os.path.join(folder, "statements.html"), os.path.join(folder, "statements.pdf")
            with open(html_path, "w", encoding="utf-8") as html_file:
                html_file.write(html)
            process = _run_wkhtmltopdf([*args, html_path, pdf_path])
            if process.returncode not in (0, 1) or not os.path.exists(pdf_path):
                raise UserError(
                    self.env._(
                        "The statement PDF could not be made (wkhtmltopdf error %(code)s): %(message)s",
                        code=process.returncode,
                        message=(process.stderr or "")[-1000:],
                    )
                )
            with open(pdf_path, "rb") as pdf_file:
                return pdf_file.read()


def _marker_links(page):
    """(annotation, statement id) of the split markers on a PDF page."""
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        uri = str((annotation.get("/A") or {}).get("/URI") or "")
        if annotation.get("/Subtype") == "/Link" and uri.startswith(SPLIT_MARKER):
            yield annotation, int(uri.removeprefix(SPLIT_MARKER))


def _page_markers(page):
    return [res_id for _annotation, res_id in _marker_links(page)]


def _remove_markers(page):
    annotations = page.get("/Annots")
    if annotations is None:
        return
    markers = [annotation for annotation, _res_id in _marker_links(page)]
    kept = [ref for ref in annotations.get_object() if ref.get_object() not in markers]
    if kept:
        page[NameObject("/Annots")] = ArrayObject(kept)
    else:
        del page["/Annots"]
