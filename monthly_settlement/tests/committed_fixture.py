"""Tests with two database transactions at once, as on a real server: their fixture is committed
(the other connection must see it) in the database's main company, and deleted at the end."""
# pylint: disable=invalid-commit

import uuid

from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name


class CommittedFixtureCase(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.tag = uuid.uuid4().hex[:8]  # names of this run's records, unique in the database

    @staticmethod
    def _main_company_env(cr):
        """Superuser environment in the company that has the accounting (a sale journal)."""
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        company = env["account.journal"].search([("type", "=", "sale")], limit=1).company_id
        return env(context={"allowed_company_ids": company.ids})

    @staticmethod
    def _monthly_customer_values(name, company, **values):
        return {
            "name": name,
            "is_company": True,
            "company_id": company.id,
            "settlement_mode": "monthly",
            "settlement_cycle": "monthly",
            "settlement_cutoff_day": 25,
            "settlement_payment_days": 30,
            "settlement_payment_base": "statement_date",
            **values,
        }

    @staticmethod
    def _settlement_user_values(env, name, login, group_xmlid, **values):
        company = env.company
        return {
            "name": name,
            "login": login,
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "group_ids": [
                Command.set(
                    [
                        env.ref("base.group_user").id,
                        env.ref("account.group_account_invoice").id,
                        env.ref(group_xmlid).id,
                    ]
                )
            ],
            **values,
        }

    @staticmethod
    def _post_invoices(env, amounts):
        """Posted invoices of 2026-11-10, one per {partner: amount}."""
        invoices = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": "2026-11-10",
                    "invoice_line_ids": [Command.create({"name": "货款", "price_unit": amount, "tax_ids": []})],
                }
                for partner, amount in amounts.items()
            ]
        )
        invoices.action_post()
        return invoices

    @classmethod
    def _create_committed_customers(cls, env, name, count, **values):
        """``count`` monthly customers (cut-off the 25th, 30 days from the statement date) named
        ``name`` and their index, each with one posted invoice of 100 × (index + 1) on 2026-11-10,
        in ``env``'s company. The caller commits."""
        partners = env["res.partner"].create(
            [cls._monthly_customer_values(f"{name} {index}", env.company, **values) for index in range(count)]
        )
        cls._post_invoices(env, {partner: 100 * (index + 1) for index, partner in enumerate(partners)})
        return partners

    @classmethod
    def _delete_statements_of(cls, cr, partner_ids):
        """Delete the committed statements of these customers, what was sent of them included:
        the ORM keeps that for good, so the fixture goes in SQL."""
        cr.execute(
            """DELETE FROM ir_attachment WHERE res_model = 'monthly.settlement.statement.sending' AND res_id IN (
                   SELECT sending.id FROM monthly_settlement_statement_sending sending
                     JOIN monthly_settlement_statement statement ON statement.id = sending.statement_id
                    WHERE statement.partner_id = ANY(%(partners)s));
               DELETE FROM monthly_settlement_statement_sending WHERE statement_id IN (
                   SELECT id FROM monthly_settlement_statement WHERE partner_id = ANY(%(partners)s));
               DELETE FROM mail_message WHERE model = 'monthly.settlement.statement' AND res_id IN (
                   SELECT id FROM monthly_settlement_statement WHERE partner_id = ANY(%(partners)s));
               DELETE FROM monthly_settlement_statement WHERE partner_id = ANY(%(partners)s)""",
            {"partners": list(partner_ids)},
        )

    @classmethod
    def _delete_fixture_of(cls, partner_ids, user_ids):
        """Delete the committed customers, their statements and documents, and the users."""
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            cls._delete_statements_of(cr, partner_ids)
            moves = env["account.move"].search([("partner_id", "in", list(partner_ids))])
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            env["res.users"].browse(user_ids).unlink()
            env["res.partner"].browse(partner_ids).unlink()
