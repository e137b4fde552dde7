from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

LETTER_MODEL = "monthly.settlement.confirmation.letter"


class ConfirmationLetterPortal(CustomerPortal):
    """Customers' balance confirmation letters: list, page with the answer form, PDF sent.

    Every refusal answers 404, whether the letter does not exist, belongs to someone else, is not
    sent yet or the token is wrong: nothing tells which.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "confirmation_letter_count" in counters:
            Letter = request.env[LETTER_MODEL]
            values["confirmation_letter_count"] = Letter.search_count([]) if Letter.has_access("read") else 0
        return values

    def _letter_sudo(self, letter_id, access_token):
        """The letter in sudo if this visitor may open it (its token, or the customer's own) and it was sent."""
        try:
            letter = self._document_check_access(LETTER_MODEL, letter_id, access_token)
        except (AccessError, MissingError):
            raise request.not_found() from None
        if letter.state == "draft":
            raise request.not_found()
        return letter

    @http.route(
        ["/my/confirmation_letters", "/my/confirmation_letters/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_confirmation_letters(self, page=1, **kwargs):
        Letter = request.env[LETTER_MODEL]
        count = Letter.search_count([]) if Letter.has_access("read") else 0
        pager = portal_pager(url="/my/confirmation_letters", total=count, page=page, step=self._items_per_page)
        letters = Letter.search([], limit=self._items_per_page, offset=pager["offset"]) if count else Letter
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "letters": letters,
                "page_name": "confirmation_letter",
                "pager": pager,
                "default_url": "/my/confirmation_letters",
            }
        )
        request.session["my_confirmation_letters_history"] = letters.ids[:100]
        return request.render("monthly_settlement_audit.portal_my_confirmation_letters", values)

    @http.route(["/my/confirmation_letters/<int:letter_id>"], type="http", auth="public", website=True)
    def portal_confirmation_letter_page(self, letter_id, access_token=None, download=False, **kwargs):
        letter = self._letter_sudo(letter_id, access_token)
        if download:
            return self._letter_pdf_response(letter)
        values = self._get_page_view_values(
            letter,
            access_token,
            {
                "letter": letter,
                "page_name": "confirmation_letter",
                "reply_error": request.session.pop("monthly_settlement_letter_error", None),
            },
            "my_confirmation_letters_history",
            False,
            **kwargs,
        )
        return request.render("monthly_settlement_audit.portal_confirmation_letter_page", values)

    def _letter_pdf_response(self, letter):
        """The PDF the customer was sent, byte for byte."""
        content = letter._get_sent_pdf()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", http.content_disposition(letter.sent_pdf_id.name)),
            ],
        )

    @http.route(
        ["/my/confirmation_letters/<int:letter_id>/reply"], type="http", methods=["POST"], auth="public", website=True
    )
    def portal_confirmation_letter_reply(
        self, letter_id, access_token=None, answer=None, amount=None, comment=None, name=None, **post
    ):
        """A plain form POST, checked against its CSRF token by Odoo before this runs."""
        letter = self._letter_sudo(letter_id, access_token)
        user = request.env.user
        try:
            letter.with_context(lang=request.env.lang)._record_reply(
                answer == "agree",
                amount=amount,
                comment=comment,
                name=name,
                ip=request.httprequest.remote_addr,
                author=letter.partner_id if user._is_public() else user.partner_id,
            )
        except UserError as error:
            request.session["monthly_settlement_letter_error"] = str(error)
        return request.redirect(letter.get_portal_url())
