from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import frozendict

from ..tools.access import SETTLEMENT_GROUPS


class AccountMove(models.Model):
    _inherit = "account.move"

    settlement_period_start = fields.Date(
        compute="_compute_settlement_period",
        store=True,
        copy=False,
    )
    settlement_period_end = fields.Date(
        compute="_compute_settlement_period",
        store=True,
        copy=False,
        help="Statement date of the monthly settlement period this invoice belongs to. "
        "The invoice falls due by the customer's settlement terms counted from it.",
    )

    def _settlement_reference_date(self):
        return self.invoice_date or self.date or fields.Date.context_today(self)

    def _is_settlement_invoice(self):
        self.ensure_one()
        return (
            self.move_type in ("out_invoice", "out_refund")
            and self.partner_id
            and self.partner_id._is_monthly_settlement()
        )

    # Only the invoice's own data are dependencies: changing a customer's terms must not
    # move the periods and due dates of invoices already issued.
    @api.depends("partner_id", "invoice_date", "date", "move_type")
    def _compute_settlement_period(self):
        for move in self:
            if move._is_settlement_invoice():
                start, end = move.partner_id._get_settlement_period(move._settlement_reference_date())
                move.settlement_period_start, move.settlement_period_end = start, end
            else:
                move.settlement_period_start = move.settlement_period_end = False

    @api.depends(
        "invoice_payment_term_id",
        "invoice_date",
        "currency_id",
        "amount_total_in_currency_signed",
        "invoice_date_due",
        "settlement_period_end",
    )
    def _compute_needed_terms(self):
        """A monthly customer's invoice has one receivable line, due by the statement terms."""
        result = super()._compute_needed_terms()
        for move in self:
            if not move.settlement_period_end or not move.needed_terms:
                continue
            due_date = move.partner_id._get_settlement_due_date(move.settlement_period_end)
            terms = move.needed_terms.values()
            move.needed_terms = {
                frozendict({"move_id": move.id, "date_maturity": due_date, "discount_date": False}): {
                    "balance": sum(values["balance"] for values in terms),
                    "amount_currency": sum(values["amount_currency"] for values in terms),
                    "discount_date": False,
                    "discount_balance": 0.0,
                    "discount_amount_currency": 0.0,
                }
            }
        return result

    # ------------------------------------------------------------------
    # Documents on statements the customer holds stay put
    # ------------------------------------------------------------------

    def button_draft(self):
        self._check_settlement_statements(self.env._("reset to draft"))
        return super().button_draft()

    def button_cancel(self):
        self._check_settlement_statements(self.env._("cancel"))
        return super().button_cancel()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_on_statements(self):
        self._check_settlement_statements(self.env._("delete"))

    def _check_settlement_statements(self, action):
        """Refuse to ``action`` documents listed on a statement the customer holds (sent, confirmed,
        archived), naming it; where the company allows it, a settlement manager may, and the
        statement is told and flagged as needing a new revision."""
        statements = self.env["monthly.settlement.statement"]._get_statements_with_moves(self)
        if not statements:
            return
        # The user's own groups, even where accounting code runs this as superuser.
        allowed = all(statements.company_id.mapped("settlement_allow_source_changes")) and self.env.user.has_group(
            SETTLEMENT_GROUPS["manager"]
        )
        if not allowed:
            statement = statements[0]
            moves = self.filtered(lambda move: move in statement.sudo().line_ids.move_id)
            raise UserError(
                self.env._(
                    "You cannot %(action)s %(document)s: it is on statement %(statement)s, which the customer "
                    "has received. Correct it with a new document (a credit note, a reversal) instead.",
                    action=action,
                    document=moves[:1].display_name,
                    statement=statement.display_name,
                )
            )
        for statement in statements.sudo():
            documents = ", ".join(
                self.filtered(lambda move, s=statement: move in s.line_ids.move_id).mapped("display_name")
            )
            statement._transition({"needs_revision": True})
            statement.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s chose to %(action)s %(documents)s, which this statement lists: it needs a new revision.",
                    user=self.env.user.name,
                    action=action,
                    documents=documents,
                ),
                subtype_xmlid="mail.mt_note",
            )
