import calendar
import mimetypes
import re
from datetime import date

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools.portal_format import PortalFormatter

STATEMENT_MODEL = "monthly.settlement.statement"


class MonthlySettlementPortal(CustomerPortal):
    """Customers' statements: list, detail, confirm (name and signature) and dispute.

    Every refusal answers 404, whether the statement does not exist, belongs to someone else,
    is not sent yet, was superseded or the token is wrong: nothing tells which.
    """

    # What the list of statements shows: its rows are read with these columns only.
    _statement_list_fields = (
        "name",
        "revision",
        "period_start",
        "period_end",
        "date_due",
        "closing_balance",
        "currency_id",
        "state",
        "is_withdrawn",
    )
    # Rows per page of the list: 20 statements are 20 months (Odoo's portal lists page by 20 to 80).
    _statement_items_per_page = 20

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "statement_count" in counters:
            Statement = request.env[STATEMENT_MODEL]
            values["statement_count"] = Statement.search_count([]) if Statement.has_access("read") else 0
        return values

    def _accessible_statement(self, statement_id, access_token):
        """The statement in sudo if this visitor may open it (its token, or the customer's own), else 404."""
        try:
            return self._document_check_access(STATEMENT_MODEL, statement_id, access_token)
        except (AccessError, MissingError):
            raise request.not_found() from None

    def _statement_sudo(self, statement_id, access_token):
        """The statement in sudo if this visitor may see it on the portal, else 404."""
        statement = self._accessible_statement(statement_id, access_token)
        if not statement.is_on_portal:
            raise request.not_found()
        return statement

    def _statement_searchbar_filters(self):
        env = request.env
        return {
            "to_confirm": {"label": env._("To Confirm"), "domain": [("state", "=", "sent")]},
            "disputed": {"label": env._("Disputed"), "domain": [("state", "=", "disputed")]},
            "confirmed": {"label": env._("Confirmed"), "domain": [("state", "in", ("confirmed", "deemed"))]},
            "all": {"label": env._("All"), "domain": []},
        }

    def _statement_searchbar_sortings(self):
        env = request.env
        return {
            "date": {"label": env._("Statement Date"), "order": "period_end desc, id desc"},
            "due": {"label": env._("Due Date"), "order": "date_due desc, id desc"},
            "name": {"label": env._("Number"), "order": "name desc"},
            "amount": {"label": env._("Closing Balance"), "order": "closing_balance desc"},
        }

    @staticmethod
    def _statement_search_domain(search):
        """A number, or a statement month written 2026-10 / 2026/10."""
        search = (search or "").strip()
        if not search:
            return []
        month = re.fullmatch(r"(\d{4})\D(\d{1,2})", search)
        if month and 1 <= int(month[2]) <= 12:
            year, month_number = int(month[1]), int(month[2])
            last_day = calendar.monthrange(year, month_number)[1]
            return [
                ("period_end", ">=", date(year, month_number, 1)),
                ("period_end", "<=", date(year, month_number, last_day)),
            ]
        return [("name", "ilike", search)]

    @http.route(["/my/statements", "/my/statements/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_statements(self, page=1, sortby="date", filterby="all", search=None, search_in="all", **kwargs):
        Statement = request.env[STATEMENT_MODEL]
        filters = self._statement_searchbar_filters()
        sortings = self._statement_searchbar_sortings()
        filterby = filterby if filterby in filters else "all"
        sortby = sortby if sortby in sortings else "date"
        domain = Domain(filters[filterby]["domain"]) & Domain(self._statement_search_domain(search))
        count = Statement.search_count(domain) if Statement.has_access("read") else 0
        pager = portal_pager(
            url="/my/statements",
            url_args={"sortby": sortby, "filterby": filterby, "search": search or ""},
            total=count,
            page=page,
            step=self._statement_items_per_page,
        )
        # Only the columns the list shows (a statement row is wide), in one query.
        statements = (
            Statement.search_fetch(
                domain,
                self._statement_list_fields,
                order=sortings[sortby]["order"],
                limit=self._statement_items_per_page,
                offset=pager["offset"],
            )
            if count
            else Statement
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "statements": statements,
                "page_name": "statement",
                "pager": pager,
                "default_url": "/my/statements",
                "searchbar_sortings": sortings,
                "searchbar_filters": filters,
                "searchbar_inputs": {"all": {"input": "all", "label": request.env._("Number or month (2026-10)")}},
                "search_in": "all",
                "search": search or "",
                "sortby": sortby,
                "filterby": filterby,
                "fmt": PortalFormatter(request.env),
            }
        )
        request.session["my_statements_history"] = statements.ids[:100]
        return request.render("monthly_settlement.portal_my_statements", values)

    @http.route(["/my/statements/<int:statement_id>"], type="http", auth="public", website=True)
    def portal_statement_page(
        self, statement_id, access_token=None, report_id=None, download=False, as_sent=False, **kwargs
    ):
        statement = self._accessible_statement(statement_id, access_token)
        latest = statement._latest_revision()
        if latest != statement and latest.is_on_portal:
            # A link to a revision since replaced (an old email) leads to the statement as it stands now.
            return request.redirect(latest.get_portal_url())
        if not statement.is_on_portal:
            raise request.not_found()
        if report_id and report_id.isdigit():
            return self._statement_report_response(statement, int(report_id), download, as_sent=bool(as_sent))
        values = self._get_page_view_values(
            statement,
            access_token,
            {
                "statement": statement,
                "page_name": "statement",
                "reports": statement._get_statement_reports(),
                "dispute_error": request.session.pop("monthly_settlement_dispute_error", None),
                "earlier_messages": statement._earlier_revision_messages(),
                "fmt": PortalFormatter(request.env),
            },
            "my_statements_history",
            False,
            **kwargs,
        )
        return request.render("monthly_settlement.portal_statement_page", values)

    def _statement_report_response(self, statement, report_id, download, as_sent=False):
        report = statement._get_statement_reports().filtered(lambda action: action.id == report_id)
        # The token lets the XLSX report (which renders as the visitor) read what the portal checked.
        file = report and statement._get_statement_report_file(
            report, as_sent=as_sent, data={"access_token": statement.access_token}
        )
        if not file:
            raise request.not_found()
        content, filename = file
        disposition = "attachment" if download else "inline"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetypes.guess_type(filename)[0] or "application/octet-stream"),
                ("Content-Disposition", http.content_disposition(filename, disposition_type=disposition)),
            ],
        )

    def _portal_author(self, statement):
        """Messages are signed by the logged-in customer, or by the customer for token visitors."""
        user = request.env.user
        return user.partner_id if not user._is_public() else statement.partner_id

    @http.route(["/my/statements/<int:statement_id>/confirm"], type="jsonrpc", auth="public", website=True)
    def portal_statement_confirm(self, statement_id, access_token=None, name=None, signature=None):
        """JSON-RPC, as Odoo's portal signature form posts (a cross-site page cannot send it)."""
        statement = self._statement_sudo(statement_id, access_token)
        try:
            statement._record_confirmation(
                name, signature=signature, ip=request.httprequest.remote_addr, author=self._portal_author(statement)
            )
        except UserError as error:
            return {"error": str(error)}
        return {"force_refresh": True, "redirect_url": statement.get_portal_url()}

    @http.route(
        ["/my/statements/<int:statement_id>/dispute"], type="http", methods=["POST"], auth="public", website=True
    )
    def portal_statement_dispute(self, statement_id, access_token=None, comment=None, **post):
        """A plain form POST, checked against its CSRF token by Odoo before this runs."""
        statement = self._statement_sudo(statement_id, access_token)
        line_comments = {
            int(key.removeprefix("dispute_line_")): post.get(f"comment_line_{key.removeprefix('dispute_line_')}", "")
            for key in post
            if re.fullmatch(r"dispute_line_\d+", key)
        }
        try:
            statement._record_dispute(line_comments, comment, author=self._portal_author(statement))
        except UserError as error:
            request.session["monthly_settlement_dispute_error"] = str(error)
        return request.redirect(statement.get_portal_url())
