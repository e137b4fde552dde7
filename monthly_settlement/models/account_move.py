from odoo import api, fields, models
from odoo.tools import frozendict


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
