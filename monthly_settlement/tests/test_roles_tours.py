"""Each role's day in a real browser (Chromium, 1366 px wide, Chinese interface), from the
statement's form or the menus, with the amounts columns on screen without scrolling sideways."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import MonthlySettlementCommon
from .http_common import WebClientCase

STATEMENTS_URL = "/odoo/action-monthly_settlement.action_monthly_settlement_statement"


@tagged("post_install", "-at_install")
class TestRolesTours(MonthlySettlementCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "monthly_settlement.group_settlement_"
        cls.sales = cls._create_settlement_user("ms_tour_sales", f"{group}user")
        cls.reviewer = cls._create_settlement_user("ms_tour_reviewer", f"{group}reviewer")
        cls.reviewer_2 = cls._create_settlement_user("ms_tour_reviewer2", f"{group}reviewer")
        # An auditor with no accounting rights: the statements are all they may read.
        cls.auditor = new_test_user(
            cls.env,
            login="ms_tour_auditor",
            groups=f"{group}auditor",
            company_id=cls.env.company.id,
            company_ids=[Command.set((cls.env.company | cls.sister_companies).ids)],
            lang="zh_CN",
        )
        for day, amount in (("2026-10-03", 12800), ("2026-10-12", 36500.5), ("2026-10-21", 8640)):
            cls._invoice(cls.customer_25, day, amount)
        cls._invoice(cls.customer_month_end, "2026-10-15", 4980)
        cls.contact = cls.env["res.partner"].create(
            {"name": "周丽", "parent_id": cls.customer_25.id, "email": "zhou.li@buyer.example.com"}
        )
        cls.customer_25.write({"settlement_contact_ids": [Command.set(cls.contact.ids)], "settlement_lang": "zh_CN"})

    def _submitted(self, customer):
        statement = self._generate(customer, self.d("2026-11-24")).with_user(self.sales)
        statement.action_submit()
        return statement.with_env(self.env)

    def test_reviewer_rejects(self):
        statement = self._submitted(self.customer_25)
        self.start_tour(
            f"{STATEMENTS_URL}/{statement.id}", "monthly_settlement_reviewer_rejects", login=self.reviewer.login
        )
        self.assertRecordValues(statement, [{"state": "draft", "reject_uid": self.reviewer.id}])
        self.assertEqual(statement.reject_reason, "工业控制板卡的单价与合同不一致")

    def test_reviewer_approves_and_sends(self):
        statement = self._submitted(self.customer_25)
        self.start_tour(
            f"{STATEMENTS_URL}/{statement.id}",
            "monthly_settlement_reviewer_approves_and_sends",
            login=self.reviewer_2.login,
        )
        self.assertRecordValues(
            statement, [{"state": "approved", "approve_uid": self.reviewer_2.id, "delivery_state": "queued"}]
        )
        self.assertEqual(statement.delivery_message_id.partner_ids, self.contact)

    def test_reviewer_records_a_phone_dispute(self):
        statement = self._submitted(self.customer_25)
        statement.with_user(self.reviewer).action_approve()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-11-26"))
        self.start_tour(
            f"{STATEMENTS_URL}/{statement.id}",
            "monthly_settlement_reviewer_records_a_phone_dispute",
            login=self.reviewer.login,
        )
        first_document = statement.line_ids.filtered(lambda line: line.line_type != "opening")[:1]
        self.assertRecordValues(
            statement, [{"state": "disputed", "answer_channel": "phone", "confirm_name": "采购 王芳"}]
        )
        self.assertRecordValues(first_document, [{"is_disputed": True, "dispute_comment": "数量应为 8 件"}])

    def test_reviewer_records_a_stamped_confirmation(self):
        statement = self._submitted(self.customer_25)
        statement.with_user(self.reviewer).action_approve()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-11-26"))
        self.start_tour(
            f"{STATEMENTS_URL}/{statement.id}",
            "monthly_settlement_reviewer_records_a_stamped_confirmation",
            login=self.reviewer_2.login,
        )
        self.assertRecordValues(
            statement,
            [{"state": "confirmed", "answer_channel": "stamped_copy", "confirm_name": "周丽（应付会计）"}],
        )
        self.assertEqual(statement.answer_attachment_id.name, "对账单回执.pdf")
        self.assertEqual(statement.answer_attachment_id.raw, b"%PDF-1.4 stamped")

    def test_auditor_browses_from_the_menu(self):
        for statement in self._submitted(self.customer_25) | self._submitted(self.customer_month_end):
            self.env["ir.attachment"].create(
                {"name": "回执.pdf", "raw": b"%PDF-1.4", "res_model": statement._name, "res_id": statement.id}
            )
        self.start_tour("/odoo", "monthly_settlement_auditor_browses", login=self.auditor.login)
