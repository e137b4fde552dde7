"""Delivery statements on the statement model: generation, the customer's answer per product line,
and the invoices made from what the customer confirmed."""

import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero

from .monthly_settlement_delivery_engine import DELIVERY

_logger = logging.getLogger(__name__)

# The answers after which a delivery statement is invoiced: what the customer confirmed.
INVOICED_STATES = ("confirmed", "deemed", "disputed")
# The statement reports (monthly_settlement_reports) that print a disputed delivery statement as answered.
ANSWERED_DELIVERY_REPORTS = (
    "monthly_settlement_reports.report_statement",
    "monthly_settlement_reports.report_statement_xlsx",
)


class MonthlySettlementStatement(models.Model):
    _inherit = "monthly.settlement.statement"

    delivery_invoice_ids = fields.Many2many(
        "account.move",
        "monthly_settlement_statement_delivery_invoice_rel",
        "statement_id",
        "move_id",
        string="Invoices",
        readonly=True,
        copy=False,
        help="The invoices made from the deliveries the customer confirmed on this delivery statement.",
    )
    delivery_invoice_count = fields.Integer(compute="_compute_delivery_invoice_count")

    @api.depends("delivery_invoice_ids")
    def _compute_delivery_invoice_count(self):
        for statement in self:
            statement.delivery_invoice_count = len(statement.delivery_invoice_ids)

    def _get_number(self):
        """Delivery statements are numbered in their own sequence (DS/2026/00001)."""
        if self.statement_type != DELIVERY or (self.name and self.name != "/"):
            return super()._get_number()
        code = f"{self._name}.{DELIVERY}"
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search([("code", "=", code), ("company_id", "=", self.company_id.id)], limit=1)
        )
        if not sequence:
            sequence = sequence.create(
                {
                    "name": self.env._("Delivery statements (%(company)s)", company=self.company_id.name),
                    "code": code,
                    "company_id": self.company_id.id,
                    "prefix": "DS/%(year)s/",
                    "padding": 5,
                    "implementation": "no_gap",
                }
            )
        return sequence.next_by_id(sequence_date=self.period_end)

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------

    @api.model
    def _generate_delivery_statements(self, partners, date_to, since=None):
        """The delivery statements of the last period closed on or before ``date_to`` of the
        customers on statement before invoice among ``partners``, in the current company.

        :return: (created statements, partners left to another run)
        """
        self.check_access("create")
        engine = self.env["monthly.settlement.delivery.engine"]
        return engine._generate(engine._jobs(partners, date_to, since=since))

    @api.model
    def _cron_generate_delivery_statements(self):
        """Daily: delivery statements of the customers on statement before invoice whose period
        closed in the last days (as the statements of account)."""
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
        since = yesterday - timedelta(days=6)
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            statements = self.with_company(company)
            partners = statements.env["res.partner"]._search_statement_first_customers(company)
            created, left = statements._generate_delivery_statements(partners, yesterday, since=since)
            _logger.info("Delivery statements of %s: %s generated, %s left", company.name, len(created), len(left))
            self.env["ir.cron"]._commit_progress(len(created))

    # ------------------------------------------------------------------
    # Holding the delivered lines
    # ------------------------------------------------------------------

    def _release_deliveries(self, *others):
        """The statements (and ``others``) no longer hold their sale order lines: answered,
        cancelled or replaced by a new revision."""
        statements = self.browse().union(self, *others).filtered(lambda statement: statement.statement_type == DELIVERY)
        if not statements:
            return
        self.env["monthly.settlement.statement.detail"].flush_model()
        self.env.cr.execute(
            SQL(
                "UPDATE monthly_settlement_statement_detail SET held_sale_line_id = NULL "
                "WHERE statement_id = ANY(%s) AND held_sale_line_id IS NOT NULL",
                statements.ids,
            )
        )
        self.env["monthly.settlement.statement.detail"].invalidate_model(["held_sale_line_id"])

    def _transition(self, vals, stamp=None):
        """A delivery statement the customer answered is invoiced (what it confirmed); a
        cancelled one lets go of its lines."""
        result = super()._transition(vals, stamp=stamp)
        deliveries = self.filtered(lambda statement: statement.statement_type == DELIVERY)
        if vals.get("state") in INVOICED_STATES:
            for statement in deliveries:
                statement._invoice_confirmed_deliveries()
        elif vals.get("state") == "cancel":
            deliveries._release_deliveries()
        return result

    # ------------------------------------------------------------------
    # Invoicing what the customer confirmed
    # ------------------------------------------------------------------

    def _confirmed_details(self):
        """The product lines to invoice now: all those not invoiced yet once the customer
        confirmed (a dispute settled included), the undisputed ones on a dispute. A disputed
        line that has moved on to a newer delivery statement is that statement's now."""
        self.ensure_one()
        details = self.detail_ids.filtered(lambda detail: detail.sale_line_id and not detail.is_invoiced)
        if self.state == "disputed":
            # Disputed per product line (portal, or a reviewer's record); an order flagged without
            # any of its product lines (recorded before per line) is disputed whole.
            per_line = self.detail_ids.filtered("is_disputed").line_id
            return details.filtered(
                lambda detail: (
                    not (detail.is_disputed or (detail.line_id.is_disputed and detail.line_id not in per_line))
                )
            )
        held_elsewhere = (
            self.env["monthly.settlement.statement.detail"]
            .sudo()
            .search([("held_sale_line_id", "in", details.sale_line_id.ids), ("statement_id", "!=", self.id)])
            .held_sale_line_id
        )
        return details.filtered(lambda detail: detail.sale_line_id not in held_elsewhere)

    def _invoice_confirmed_deliveries(self):
        """Invoice exactly the confirmed lines and quantities with sale's own invoicing (one
        invoice per statement or per order, by the customer's setting), post the invoices and
        link them with the statement; then let go of every line (the disputed ones roll into
        the next delivery statement)."""
        self.ensure_one()
        details = self._confirmed_details()
        quantities = defaultdict(float)
        for detail in details:
            quantities[detail.sale_line_id.id] += detail.quantity
        quantities = {line_id: qty for line_id, qty in quantities.items() if not float_is_zero(qty, precision_digits=6)}
        self._release_deliveries()
        if not quantities:
            return self.env["account.move"]
        orders = details.sale_line_id.order_id.sudo()
        invoices = orders.with_context(
            settlement_invoice_quantities=quantities, raise_if_nothing_to_invoice=False
        )._create_invoices(grouped=self.partner_id.settlement_delivery_invoicing == "order", final=True)
        invoices.action_post()
        details.sudo().write({"is_invoiced": True})
        self.sudo().write({"delivery_invoice_ids": [fields.Command.link(invoice.id) for invoice in invoices]})
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._("Invoiced as confirmed: %(invoices)s.", invoices=", ".join(invoices.mapped("name"))),
            subtype_xmlid="mail.mt_note",
        )
        return invoices

    # ------------------------------------------------------------------
    # The customer's dispute, per product line
    # ------------------------------------------------------------------

    def _record_delivery_dispute(self, detail_disputes, comment, **kwargs):
        """The customer disputes product lines of a delivery statement: ``{detail_id: {"quantity":
        float or None, "price_unit": float or None, "comment": str}}``. Each needs a quantity or
        price other than the statement's, or a comment. The lines not disputed count as confirmed
        and are invoiced; the disputed ones roll into the next delivery statement."""
        self.ensure_one()
        if self.statement_type != DELIVERY:
            raise UserError(self.env._("Only delivery statements are disputed per product line."))
        details = self.detail_ids.filtered(lambda detail: detail.id in detail_disputes)
        if len(details) != len(detail_disputes):
            raise UserError(self.env._("Some of the disputed product lines are not lines of this statement."))
        line_comments, values = defaultdict(list), {}
        for detail in details:
            claim = detail_disputes[detail.id]
            text = (claim.get("comment") or "").strip()
            quantity, price = claim.get("quantity"), claim.get("price_unit")
            if (quantity is not None and quantity < 0) or (price is not None and price < 0):
                raise UserError(self.env._("A quantity or price cannot be negative."))
            other_quantity, other_price = detail._other_figures(quantity, price)
            if other_quantity is None and other_price is None and not text:
                raise UserError(
                    self.env._(
                        "Say what is wrong with %(product)s: the quantity you received, the price you "
                        "expect or a comment.",
                        product=detail.product_id.display_name or detail.name,
                    )
                )
            values[detail] = {
                "is_disputed": True,
                "disputed_quantity": detail.quantity if other_quantity is None else other_quantity,
                "disputed_price_unit": detail.price_unit if other_price is None else other_price,
                "dispute_comment": text,
            }
            line_comments[detail.line_id.id].append(detail._dispute_summary(other_quantity, other_price, text))
        if not details and not (comment or "").strip():
            raise UserError(
                self.env._("Say what is wrong: the product lines you dispute or a comment about the statement.")
            )
        for detail, detail_values in values.items():
            detail.sudo().write(detail_values)
        self._record_dispute({line_id: "; ".join(texts) for line_id, texts in line_comments.items()}, comment, **kwargs)

    def _report_shows_answer(self, report):
        """A disputed delivery statement prints (PDF, XLSX) as answered: the customer's figures on
        the disputed product lines, not the file sent."""
        return (
            self.statement_type == DELIVERY
            and self.state == "disputed"
            and report.report_name in ANSWERED_DELIVERY_REPORTS
        ) or super()._report_shows_answer(report)

    # ------------------------------------------------------------------
    # Checks before submitting, revisions
    # ------------------------------------------------------------------

    def _check_consistency(self):
        deliveries = self.filtered(lambda statement: statement.statement_type == DELIVERY)
        result = super(MonthlySettlementStatement, self - deliveries)._check_consistency()
        problems = []
        now_stated = self.env["monthly.settlement.delivery.engine"]._stated_quantities(deliveries)
        for statement in deliveries:
            label = statement.display_name + " — " + statement.partner_id.display_name
            if statement.currency_id.compare_amounts(
                sum(statement.line_ids.mapped("amount")), statement.closing_balance
            ):
                problems.append(self.env._("%(statement)s: the lines do not add up to the total.", statement=label))
            stated = defaultdict(float)
            for detail in statement.detail_ids.filtered("sale_line_id"):
                stated[detail.sale_line_id] += detail.quantity
            held = statement.detail_ids.held_sale_line_id
            stale = self.env["monthly.settlement.statement.detail"].browse(
                detail.id
                for detail in statement.detail_ids
                if detail.sale_line_id not in held
                or float_compare(
                    now_stated.get((statement.id, detail.sale_line_id.id), 0.0),
                    stated[detail.sale_line_id],
                    precision_digits=6,
                )
            )
            if stale:
                problems.append(
                    self.env._(
                        "%(statement)s: deliveries or invoices of %(orders)s changed since it was made; "
                        "regenerate the statement.",
                        statement=label,
                        orders=", ".join(sorted(set(stale.line_id.mapped("name")))),
                    )
                )
        if problems:
            raise UserError("\n".join(problems))
        return result

    def _check_books_changed(self):
        """A delivery statement may always be revised: the deliveries are read again."""
        accounts = self.filtered(lambda statement: statement.statement_type != DELIVERY)
        return super(MonthlySettlementStatement, accounts)._check_books_changed()

    def action_view_delivery_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.delivery_invoice_ids.ids)]
        action["context"] = {"create": False}
        return action
