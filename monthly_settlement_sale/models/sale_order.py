from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

from odoo.addons.monthly_settlement.tools.access import check_settlement_group

OVERRIDE_FIELDS = (
    "settlement_credit_override_uid",
    "settlement_credit_override_date",
    "settlement_credit_override_reason",
)
NO_ISSUES = {"limit": "", "statements": []}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    settlement_credit_warning = fields.Text(string="Credit Control", compute="_compute_settlement_credit_warning")
    settlement_credit_blocked = fields.Boolean(compute="_compute_settlement_credit_warning")
    settlement_credit_override_uid = fields.Many2one(
        "res.users", string="Credit Hold Overridden by", readonly=True, copy=False
    )
    settlement_credit_override_date = fields.Datetime(string="Credit Hold Overridden on", readonly=True, copy=False)
    settlement_credit_override_reason = fields.Text(string="Credit Hold Override Reason", readonly=True, copy=False)

    @api.depends("partner_id", "company_id", "amount_total", "state", "settlement_credit_override_date")
    def _compute_settlement_credit_warning(self):
        """The banner states the statement problems (Odoo's own banner states the credit
        limit) and, in block mode, that the order cannot be confirmed."""
        issues = self._get_settlement_credit_issues()
        for order in self:
            order_issues = issues.get(order, NO_ISSUES)
            order.settlement_credit_blocked = order._is_settlement_credit_blocked(order_issues)
            lines = list(order_issues["statements"])
            if order.settlement_credit_blocked:
                lines.append(
                    self.env._("Confirmation is blocked by the credit control: a settlement manager can override it.")
                )
            order.settlement_credit_warning = "\n".join(lines)

    def write(self, vals):
        if not self.env.su and any(name in vals for name in OVERRIDE_FIELDS):
            raise AccessError(self.env._("A credit hold is overridden only through its button."))
        return super().write(vals)

    def action_confirm(self):
        self._check_settlement_credit()
        return super().action_confirm()

    def action_draft(self):
        """An override covers one confirmation: a cancelled order back to draft needs a new one."""
        result = super().action_draft()
        self.filtered("settlement_credit_override_date").sudo().write(dict.fromkeys(OVERRIDE_FIELDS, False))
        return result

    def action_open_settlement_credit_override(self):
        self.ensure_one()
        self._check_settlement_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Credit Hold"),
            "res_model": "monthly.settlement.credit.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    # ------------------------------------------------------------------
    # Credit control
    # ------------------------------------------------------------------

    @staticmethod
    def _settlement_credit_reasons(issues):
        return ([issues["limit"]] if issues["limit"] else []) + issues["statements"]

    def _get_settlement_credit_reasons(self):
        self.ensure_one()
        return self._settlement_credit_reasons(self._get_settlement_credit_issues().get(self, NO_ISSUES))

    def _is_settlement_credit_blocked(self, issues):
        self.ensure_one()
        return bool(
            self._settlement_credit_reasons(issues)
            and self.company_id.settlement_credit_control == "block"
            and not self.settlement_credit_override_date
        )

    def _check_settlement_credit(self):
        """Refuse to confirm a blocked order; note the issues on the others that have some.

        Confirmations run as superuser (a customer signing or paying online, automated
        flows) are never refused: they get the note, as in warn mode.
        """
        issues = self._get_settlement_credit_issues()
        for order, order_issues in issues.items():
            reasons = self._settlement_credit_reasons(order_issues)
            if not reasons or order.settlement_credit_override_date:
                continue  # the override wrote its own note
            if order._is_settlement_credit_blocked(order_issues) and not self.env.su:
                raise UserError(
                    self.env._(
                        "%(order)s cannot be confirmed: %(customer)s is on credit hold.\n\n%(reasons)s\n\n"
                        "A settlement manager can confirm it with “Override Credit Hold”.",
                        order=order.name,
                        customer=order.partner_id.commercial_partner_id.display_name,
                        reasons="\n".join(reasons),
                    )
                )
            order._post_settlement_credit_note(self.env._("Confirmed despite the credit control:"), reasons)

    def _get_settlement_credit_issues(self):
        """{order: {"limit": Odoo's credit limit warning or "", "statements": [problems]}} for the
        quotations of monthly customers whose company has credit control on.

        The credit limit is Odoo's: the customer's receivables, confirmed orders not invoiced
        yet and this order, against the customer's limit (Sales Credit Limit setting).
        """
        orders = self.filtered(
            lambda order: (
                order.state in ("draft", "sent")
                and order.company_id.settlement_credit_control != "off"
                and order.partner_id.commercial_partner_id.settlement_is_monthly
            )
        )
        # Odoo computes them without dependencies: read them fresh, as orders confirmed in
        # this transaction count.
        orders.partner_id.commercial_partner_id.invalidate_recordset(["credit", "credit_to_invoice"])
        statement_issues = orders._get_settlement_statement_issues()
        return {
            order: {
                "limit": order.with_company(order.company_id).partner_credit_warning or "",
                "statements": statement_issues.get((order.company_id, order.partner_id.commercial_partner_id), []),
            }
            for order in orders
        }

    def _get_settlement_statement_issues(self):
        """{(company, customer): [problem]}: statements overdue or disputed beyond the company's
        tolerances; a few queries per company whatever the number of orders."""
        statement_model = self.env["monthly.settlement.statement"].sudo()
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        issues = {}
        for company, orders in self.grouped("company_id").items():
            overdue_before = today - timedelta(days=company.settlement_credit_overdue_days)
            disputed_before = now - timedelta(days=company.settlement_credit_dispute_days)
            statements = statement_model.search(
                [
                    *statement_model._get_payment_chased_domain(),
                    ("company_id", "=", company.id),
                    ("partner_id", "in", orders.partner_id.commercial_partner_id.ids),
                    "|",
                    ("date_due", "<", overdue_before),
                    "&",
                    ("state", "=", "disputed"),
                    ("answer_date", "<", disputed_before),
                ]
            )
            open_amounts = statements._get_open_amounts()
            for statement in statements:
                problems = issues.setdefault((company, statement.partner_id), [])
                open_amount = open_amounts[statement.id]
                if statement.date_due < overdue_before and statement.currency_id.compare_amounts(open_amount, 0) > 0:
                    problems.append(
                        self.env._(
                            "Statement %(statement)s is %(days)s days overdue: %(amount)s unpaid.",
                            statement=statement.display_name,
                            days=(today - statement.date_due).days,
                            amount=format_amount(self.env, open_amount, statement.currency_id),
                        )
                    )
                if statement.state == "disputed" and statement.answer_date and statement.answer_date < disputed_before:
                    problems.append(
                        self.env._(
                            "Statement %(statement)s has been disputed since %(date)s.",
                            statement=statement.display_name,
                            date=format_date(self.env, statement.answer_date),
                        )
                    )
        return issues

    def _override_settlement_credit(self, reason):
        """Record a settlement manager's decision to confirm despite the credit hold, then confirm."""
        self.ensure_one()
        self._check_settlement_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the credit hold is overridden."))
        reasons = self._get_settlement_credit_reasons()
        self.sudo().write(
            {
                "settlement_credit_override_uid": self.env.uid,
                "settlement_credit_override_date": fields.Datetime.now(),
                "settlement_credit_override_reason": reason,
            }
        )
        self._post_settlement_credit_note(
            self.env._("Credit hold overridden by %(user)s: %(reason)s", user=self.env.user.name, reason=reason),
            reasons,
        )
        return self.action_confirm()

    def _post_settlement_credit_note(self, title, reasons):
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (title, Markup().join(Markup("<li>%s</li>") % reason for reason in reasons)),
            subtype_xmlid="mail.mt_note",
        )

    def _check_settlement_manager(self):
        check_settlement_group(self.env, "manager", self.env._("Only settlement managers may override a credit hold."))

    # Sale's own invoicing, held back for the delivery statements: a delivered line on an open
    # delivery statement is invoiced only when the customer answers it, with the quantity confirmed.

    def _get_invoiceable_lines(self, final=False):
        """Invoicing a delivery statement: exactly its confirmed lines (context
        ``settlement_invoice_quantities``: {sale order line id: quantity})."""
        quantities = self.env.context.get("settlement_invoice_quantities")
        if quantities is None:
            return super()._get_invoiceable_lines(final=final)
        return self.order_line.filtered(lambda line: line.id in quantities)

    def _create_invoices(self, grouped=False, final=False, date=None):
        if self.env.context.get("settlement_invoice_quantities") is None:
            self._check_settlement_delivery_holds(final)
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _check_settlement_delivery_holds(self, final):
        """Refuse to invoice a line an open delivery statement holds: the customer has not agreed it yet."""
        lines = self.env["sale.order.line"].union(*(order._get_invoiceable_lines(final) for order in self))
        if not lines:
            return
        held = (
            self.env["monthly.settlement.statement.detail"]
            .sudo()
            .search([("held_sale_line_id", "in", lines.ids)], limit=1)
        )
        if held:
            raise UserError(
                self.env._(
                    "%(product)s of %(order)s is on the open delivery statement %(statement)s: it is invoiced "
                    "when the customer confirms that statement (or once it is cancelled).",
                    product=held.sale_line_id.product_id.display_name or held.sale_line_id.name,
                    order=held.sale_line_id.order_id.name,
                    statement=held.statement_id.display_name,
                )
            )
