import re

from markupsafe import Markup

from odoo import models, tools
from odoo.tools.misc import get_lang

from ..tools.portal_format import PortalFormatter

# The template's indentation between tags, kept as one line break (same page in a browser; the
# block holds no <pre> or <textarea>): a 500-line statement's block is about a third lighter.
INDENTATION = re.compile(r">\s*\n\s*<")


class MonthlySettlementStatement(models.Model):
    _inherit = "monthly.settlement.statement"

    def _get_portal_lines_html(self):
        """The lines block of the statement's portal page (dates, documents, amounts, running
        balance, product lines, and the dispute inputs or the customer's flags), in the language
        of the environment.

        Once sent, what a statement says never changes (SENT_CONTENT_FIELDS); only its state and the
        customer's dispute flags do, and they are written together with the statement (so its
        ``write_date`` moves). The rendered block is therefore kept per worker, keyed on the
        statement, its revision, state, last write and the language: a 500-line statement is
        rendered once, not on every visit. A new revision is another statement; the cache is
        emptied with the templates' (module update, view change). The caller checks access.
        """
        self.ensure_one()
        lang = get_lang(self.env).code
        if not self.is_sent:  # drafts are never on the portal: a preview, rendered each time
            return self._render_portal_lines(lang)
        return self._portal_lines_html_cached(self.id, self.revision, self.state, self.write_date, lang)

    @tools.ormcache("statement_id", "revision", "state", "write_date", "lang", cache="templates.cached_values")
    def _portal_lines_html_cached(self, statement_id, revision, state, write_date, lang):
        return self.browse(statement_id)._render_portal_lines(lang)

    def _render_portal_lines(self, lang):
        statement = self.sudo().with_context(lang=lang)
        html = statement.env["ir.qweb"]._render(
            "monthly_settlement.portal_statement_lines",
            {"statement": statement, "fmt": PortalFormatter(statement.env)},
        )
        return Markup(INDENTATION.sub(">\n<", html))
