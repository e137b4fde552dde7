"""Two reviewers approving, or sending, the same statement at the same moment, each in their own
database transaction as on a real server: one wins, the other is told so in their language; the
statement moves once, with one approval in its history and one email.

The fixture is committed (the other connection must see it) in the database's main company and
deleted at the end, as in test_concurrent_generation.
"""
# pylint: disable=invalid-commit

import uuid
from datetime import date

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import tagged

from .committed_fixture import CommittedFixtureCase

STATEMENT = "monthly.settlement.statement"


@tagged("post_install", "-at_install")
class TestConcurrentWorkflow(CommittedFixtureCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tag = uuid.uuid4().hex[:8]
        with cls.registry.cursor() as cr:
            env = cls._main_company_env(cr)
            env["res.lang"]._activate_lang("zh_CN")
            partner = env["res.partner"].create(
                cls._monthly_customer_values(
                    f"并发审核客户 {tag}",
                    env.company,
                    email=f"ap-{tag}@buyer.example.com",
                    settlement_delivery_portal=False,
                )
            )
            cls._post_invoices(env, {partner: 880})
            reviewers = env["res.users"].create(
                [
                    cls._settlement_user_values(
                        env,
                        f"并发审核 {tag} {index}",
                        f"ms_concurrent_review_{tag}_{index}",
                        "monthly_settlement.group_settlement_reviewer",
                        lang="zh_CN",
                    )
                    for index in range(2)
                ]
            )
            cls.company_id, cls.partner_id, cls.reviewer_ids = env.company.id, partner.id, reviewers.ids
        cls.addClassCleanup(cls._delete_fixture_of, [cls.partner_id], cls.reviewer_ids)

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            statement = env[STATEMENT]._generate_statements(
                env["res.partner"].browse(self.partner_id), date(2026, 11, 30)
            )[0]
            statement.action_submit()
            self.statement_id = statement.id
        self.addCleanup(self._delete_statements)

    def _delete_statements(self):
        with self.registry.cursor() as cr:
            self._delete_statements_of(cr, [self.partner_id])

    def _env(self, cr, uid=api.SUPERUSER_ID):
        return api.Environment(cr, uid, {"allowed_company_ids": [self.company_id], "lang": "zh_CN"})

    def _statement(self, cr, reviewer_index):
        return self._env(cr, self.reviewer_ids[reviewer_index])[STATEMENT].browse(self.statement_id)

    def _count(self, query):
        with self.registry.cursor() as cr:
            cr.execute(query, [self.statement_id])
            return cr.fetchone()[0]

    def _state_changes(self):
        """Changes of state in the statement's history (tracked values)."""
        return self._count(
            """SELECT COUNT(*) FROM mail_tracking_value value
                 JOIN mail_message message ON message.id = value.mail_message_id
                 JOIN ir_model_fields field ON field.id = value.field_id
                WHERE message.model = 'monthly.settlement.statement' AND message.res_id = %s
                  AND field.name = 'state'"""
        )

    def _state(self):
        return self._count("SELECT state FROM monthly_settlement_statement WHERE id = %s")

    def assertCleanRefusal(self, refused):
        self.assertIsInstance(refused.exception, UserError)
        self.assertRegex(str(refused.exception), "[\u4e00-\u9fff]{4}", "in the reviewer's language")

    def test_two_reviewers_approve_at_once(self):
        """The second reviewer clicks while the first one's approval is still being written."""
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            self._statement(cr_first, 0).action_approve()
            with self.assertRaises(UserError) as refused:
                self._statement(cr_second, 1).action_approve()
            self.assertCleanRefusal(refused)
            cr_second.rollback()
            cr_first.commit()
        self.assertEqual(self._state(), "approved")
        self.assertEqual(
            self._count("SELECT approve_uid FROM monthly_settlement_statement WHERE id = %s"), self.reviewer_ids[0]
        )
        self.assertEqual(self._state_changes(), 2, "submitted, approved: once each")

    def test_second_approval_began_before_the_first_was_saved(self):
        """The second reviewer's transaction began (read the statement as To Review) before the
        first approval was committed: it must not approve it again."""
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            second = self._statement(cr_second, 1)
            self.assertEqual(second.state, "to_review")  # the second transaction's snapshot
            self._statement(cr_first, 0).action_approve()
            cr_first.commit()
            with self.assertRaises(UserError) as refused:
                second.action_approve()
            self.assertCleanRefusal(refused)
        self.assertEqual(self._state(), "approved")
        self.assertEqual(self._state_changes(), 2, "submitted, approved: once each")

    def test_two_reviewers_send_at_once(self):
        with self.registry.cursor() as cr:
            self._statement(cr, 0).action_approve()
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            second = self._statement(cr_second, 1)
            self.assertEqual(second.state, "approved")
            self._statement(cr_first, 0)._send()
            cr_first.commit()
            with self.assertRaises(UserError) as refused:
                second._send()
            self.assertCleanRefusal(refused)
        self.assertEqual(
            self._count(
                "SELECT COUNT(*) FROM mail_message WHERE model = 'monthly.settlement.statement' AND res_id = %s "
                "AND message_type = 'comment' AND subtype_id = (SELECT res_id FROM ir_model_data "
                "WHERE module = 'mail' AND name = 'mt_comment')"
            ),
            1,
            "one statement email",
        )
        self.assertEqual(
            self._count("SELECT COUNT(*) FROM monthly_settlement_statement_sending WHERE statement_id = %s"), 1
        )
