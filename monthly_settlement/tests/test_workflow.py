from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MonthlySettlementCommon


@tagged("post_install", "-at_install")
class TestWorkflow(MonthlySettlementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.preparer = cls._create_settlement_user("ms_preparer", "monthly_settlement.group_settlement_user")
        cls.reviewer = cls._create_settlement_user("ms_reviewer", "monthly_settlement.group_settlement_reviewer")
        cls.reviewer_2 = cls._create_settlement_user("ms_reviewer_2", "monthly_settlement.group_settlement_reviewer")
        cls.manager = cls._create_settlement_user("ms_manager", "monthly_settlement.group_settlement_manager")
        cls.auditor = cls._create_settlement_user("ms_auditor", "monthly_settlement.group_settlement_auditor")
        cls.invoice = cls._invoice(cls.customer_25, "2026-10-10", 1000)

    def _flush_tracking(self):
        """Run what a commit would: mail writes tracking messages then, not during the write."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _draft(self):
        statement = self._generate(self.customer_25, self.d("2026-11-24")).with_user(self.preparer)
        self._flush_tracking()  # generation and review are separate transactions in real life
        return statement

    def test_full_cycle_records_who_and_when(self):
        statement = self._draft()
        statement.action_submit()
        self.assertEqual(statement.state, "to_review")
        self.assertRegex(statement.name, r"^ST/2026/\d{5}$")
        self.assertEqual(statement.submit_uid, self.preparer)
        review = statement.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == self.env.ref("monthly_settlement.mail_activity_statement_review")
            )
        )
        self.assertTrue(review)
        self.assertNotIn(self.preparer, review.user_id)

        self._flush_tracking()
        statement.with_user(self.reviewer).action_approve()
        self.assertRecordValues(statement, [{"state": "approved", "approve_uid": self.reviewer.id}])
        self.assertFalse(statement.activity_ids.filtered(lambda a: a.activity_type_id == review.activity_type_id))
        for step in (
            lambda record: record._mark_sent(self.d("2026-10-27")),
            lambda record: record._record_confirmation("周丽", channel="letter"),
        ):
            self._flush_tracking()  # one click, one transaction
            step(statement.with_user(self.reviewer))
        self.assertRecordValues(statement, [{"state": "confirmed", "send_uid": self.reviewer.id}])
        self.assertTrue(statement.answer_date)
        self._flush_tracking()
        statement.invalidate_recordset(["message_ids"])
        tracked = statement.sudo().message_ids.tracking_value_ids.filtered(lambda value: value.field_id.name == "state")
        self.assertEqual(len(tracked), 4, "every transition is in the chatter")
        with self.assertRaisesRegex(UserError, "cannot cancel"):
            statement.with_user(self.manager).action_cancel()

    def test_reject_needs_a_reason_and_returns_to_draft(self):
        statement = self._draft()
        statement.action_submit()
        self._flush_tracking()
        before = statement.sudo().message_ids
        with self.assertRaisesRegex(UserError, "why"):
            statement.with_user(self.reviewer)._reject("  ")
        action = statement.with_user(self.reviewer).action_reject()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.reviewer)
            .with_context(**action["context"])
            .create({"reason": "客户名称有误"})
        )
        wizard.action_reject()
        self.assertRecordValues(
            statement, [{"state": "draft", "reject_uid": self.reviewer.id, "reject_reason": "客户名称有误"}]
        )
        self.assertIn(self.preparer, statement.activity_ids.user_id)
        self.assertFalse(
            statement.activity_ids.filtered(lambda activity: activity.activity_type_id.name == "Review Statement"),
            "nobody is asked to review it any more",
        )
        self._flush_tracking()
        statement.invalidate_recordset(["message_ids"])
        rejection = statement.sudo().message_ids - before
        self.assertEqual(len(rejection), 1, "one entry in the chatter for the rejection")
        self.assertEqual(rejection.author_id, self.reviewer.partner_id)
        self.assertEqual(
            set(rejection.tracking_value_ids.mapped("field_id.name")), {"state", "reject_reason"}, "with its reason"
        )
        self.assertIn("客户名称有误", rejection.tracking_value_ids.mapped("new_value_text"))

    def test_numbers_have_no_gaps(self):
        """A submission rolled back after taking its number gives the number back."""
        self._invoice(self.customer_month_end, "2026-11-03", 700)
        statements = self._generate(self.customer_25 | self.customer_month_end, self.d("2026-11-30"))
        first, second = (
            statements.filtered(lambda s, c=customer: s.partner_id == c)
            for customer in (self.customer_25, self.customer_month_end)
        )
        self._invoice(self.customer_month_end, "2026-11-05", 10)
        first.with_user(self.preparer).action_submit()
        with self.assertRaises(UserError), self.cr.savepoint():
            second.with_user(self.preparer).action_submit()  # its books changed: refused
        with self.assertRaisesRegex(RuntimeError, "undone"), self.cr.savepoint():
            second.with_user(self.preparer).action_regenerate()
            second.with_user(self.preparer).action_submit()
            taken = second.name
            raise RuntimeError("the transaction is undone after the number was taken")
        second.with_user(self.preparer).action_regenerate()
        second.with_user(self.preparer).action_submit()
        self.assertEqual(second.name, taken, "the number taken by the undone submission is given again")
        first_number, second_number = (int(statement.name.rsplit("/", 1)[1]) for statement in (first, second))
        self.assertEqual(second_number, first_number + 1)

    def test_user_cannot_approve(self):
        statement = self._draft()
        statement.action_submit()
        with self.assertRaises(AccessError):
            statement.action_approve()
        with self.assertRaises(AccessError):
            statement.write({"state": "approved"})
        self.assertEqual(statement.state, "to_review")

    def test_reviewer_cannot_approve_own_statement(self):
        statement = self._draft().with_user(self.reviewer)
        statement.action_submit()
        with self.assertRaisesRegex(UserError, "another reviewer"):
            statement.action_approve()
        statement.with_user(self.reviewer_2).action_approve()
        self.assertEqual(statement.state, "approved")

    def test_four_eyes_can_be_switched_off(self):
        self.env.company.settlement_four_eyes = False
        statement = self._draft().with_user(self.reviewer)
        statement.action_submit()
        statement.action_approve()
        self.assertEqual(statement.state, "approved")

    def test_auditor_reads_but_changes_nothing(self):
        statement = self._draft()
        audited = statement.with_user(self.auditor)
        self.assertEqual(audited.closing_balance, 1000)
        self.assertTrue(audited.line_ids.read(["amount"]))
        with self.assertRaises(AccessError):
            audited.write({"note": "x"})
        for action in ("action_submit", "action_regenerate", "action_approve", "action_cancel"):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(audited, action)()

    def test_figures_and_lines_are_frozen(self):
        statement = self._draft()
        with self.assertRaises(AccessError):
            statement.write({"closing_balance": 1})
        with self.assertRaises(AccessError):
            statement.line_ids[:1].write({"amount": 5})
        statement.action_submit()
        with self.assertRaisesRegex(UserError, "no longer a draft"):
            statement.write({"note": "changed"})
        with self.assertRaisesRegex(UserError, "no longer a draft"):
            statement.action_regenerate()

    def test_submission_refused_when_books_changed(self):
        statement = self._draft()
        self._invoice(self.customer_25, "2026-10-11", 50)  # posted after generation, dated in the period
        with self.assertRaisesRegex(UserError, "regenerate"):
            statement.action_submit()
        self.assertEqual(statement.state, "draft")
        statement.action_regenerate()
        self.assertEqual(statement.closing_balance, 1050)
        statement.action_submit()
        self.assertEqual(statement.state, "to_review")

    def test_submission_refused_with_draft_documents(self):
        statement = self._draft()
        self._invoice(self.customer_25, "2026-10-12", 70, post=False)
        with self.assertRaisesRegex(UserError, "draft invoices"):
            statement.action_submit()
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer_25.id,
                "amount": 10,
                "date": "2026-10-13",
            }
        )
        with self.assertRaisesRegex(UserError, "payments of the period are not confirmed"):
            statement.action_submit()
        self.assertTrue(payment)
        self.assertEqual(statement.state, "draft")

    def test_new_revision_supersedes_on_approval(self):
        statement = self._draft()
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-10-27"))
        statement.with_user(self.reviewer)._record_dispute({}, "电话告知：少开一张折让单", channel="phone")
        with self.assertRaisesRegex(UserError, "Nothing has changed in the books"):
            statement.with_user(self.reviewer).action_new_revision()
        credit_note = self._refund(self.customer_25, "2026-10-20", 200)
        action = statement.with_user(self.reviewer).action_new_revision()
        revision = self.env["monthly.settlement.statement"].browse(action["res_id"])
        self.assertRecordValues(
            revision,
            [
                {
                    "revision": 2,
                    "name": statement.name,
                    "state": "draft",
                    "closing_balance": 800,
                    "previous_revision_id": statement.id,
                }
            ],
        )
        self.assertFalse(statement.superseded_by_id, "the old one stands until the revision is approved")
        added = revision.line_ids.filtered(lambda line: line.revision_change == "added")
        self.assertEqual(added.move_id, credit_note, "the credit note is what the revision adds")
        self.assertFalse(revision.line_ids.filtered(lambda line: line.revision_change == "changed"))
        note = revision.message_ids[0].body
        self.assertRegex(note, r"1,000\.00.*→.*800\.00", "the chatter says what the revision changed")
        with self.assertRaisesRegex(UserError, "already has a newer revision"):
            statement.with_user(self.reviewer).action_new_revision()
        revision.with_user(self.preparer).action_submit()
        with self.assertRaisesRegex(UserError, "another reviewer"):
            revision.with_user(self.reviewer).action_approve()  # who regenerated it prepared it
        revision.with_user(self.reviewer_2).action_approve()
        self.assertEqual(statement.superseded_by_id, revision)
        self.assertEqual(statement.closing_balance, 1000, "the superseded revision is kept unchanged")
        with self.assertRaisesRegex(UserError, "Superseded"):
            statement.with_user(self.manager).action_cancel()

    def test_manager_cancels_and_reopens(self):
        statement = self._draft()
        with self.assertRaises(AccessError):
            statement.action_cancel()
        statement.with_user(self.manager).action_cancel()
        self.assertRecordValues(statement, [{"state": "cancel", "cancel_uid": self.manager.id}])
        statement.with_user(self.manager).action_reopen()
        self.assertEqual(statement.state, "draft")

    def test_other_company_is_invisible(self):
        statement = self._draft()
        other_company = self.setup_other_company(name="深圳分公司")["company"]
        outsider = self._create_settlement_user(
            "ms_outsider", "monthly_settlement.group_settlement_manager", other_company
        )
        Statement = self.env["monthly.settlement.statement"].with_user(outsider)
        self.assertFalse(Statement.search([("id", "=", statement.id)]))
        with self.assertRaises(AccessError):
            statement.with_user(outsider).read(["closing_balance"])
        with self.assertRaises(AccessError):
            statement.line_ids.with_user(outsider).read(["amount"])

    def test_regenerated_revision_keeps_its_marks(self):
        """A draft revision regenerated after another correction still shows, line by line, what
        differs from the revision it replaces."""
        statement = self._draft()
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        credit_note = self._refund(self.customer_25, "2026-10-20", 200)
        revision = statement.browse(statement.with_user(self.reviewer).action_new_revision()["res_id"])
        invoice = self._invoice(self.customer_25, "2026-10-21", 30)
        revision.with_user(self.reviewer).action_regenerate()
        marked = {line.move_id: line.revision_change for line in revision.line_ids if line.revision_change}
        self.assertEqual(marked, {credit_note: "added", invoice: "added"})

    def test_regenerate_says_what_changed(self):
        statement = self._draft()
        answer = statement.action_regenerate()
        self.assertEqual(answer["params"]["message"], "Regenerated: nothing has changed in the books.")
        self._invoice(self.customer_25, "2026-10-12", 50)
        answer = statement.action_regenerate()
        self.assertEqual(answer["params"]["message"], "Regenerated: what changed is in the chatter.")
        note = statement.message_ids[0]
        self.assertIn("What changed", note.body)
        self.assertIn("Added", note.body)
        self.assertEqual(statement.closing_balance, 1050)
        self.assertFalse(statement.line_ids.filtered("revision_change"), "only a revision marks its lines")
