"""Committed fixtures for tests that run several database transactions at once (other
connections must see the data, so it is committed and each test class deletes it at the end)."""

from odoo import Command


def create_committed_customers(env, name, count):
    """In the database's main company: ``count`` monthly customers (cut-off the 25th, 30 days from
    the statement date) named ``name`` and their index, each with one posted invoice of
    100 × (index + 1) on 2026-11-10. The caller commits.

    :return: (company, partners), with ``partners`` in an environment of that company
    """
    company = env["account.journal"].search([("type", "=", "sale")], limit=1).company_id
    env = env(context={"allowed_company_ids": company.ids})
    partners = env["res.partner"].create(
        [
            {
                "name": f"{name} {index}",
                "is_company": True,
                "company_id": company.id,
                "settlement_mode": "monthly",
                "settlement_cycle": "monthly",
                "settlement_cutoff_day": 25,
                "settlement_payment_days": 30,
                "settlement_payment_base": "statement_date",
            }
            for index in range(count)
        ]
    )
    invoices = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2026-11-10",
                "invoice_line_ids": [Command.create({"name": "货款", "price_unit": 100 * (index + 1), "tax_ids": []})],
            }
            for index, partner in enumerate(partners)
        ]
    )
    invoices.action_post()
    return company, partners
