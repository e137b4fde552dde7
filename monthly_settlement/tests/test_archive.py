"""The statement archive (会计档案): archiving, freezing, tamper evidence, retention, destruction.

Hashes and dates are recomputed here with hashlib and by hand, not with the module's helpers.
"""

import hashlib
import json
import os
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import MonthlySettlementCommon

STATEMENT = "monthly.settlement.statement"
GENESIS = "0" * 64


def sha(data):
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest()


class ArchiveCommon(MonthlySettlementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "monthly_settlement.group_settlement_"
        cls.reviewer = cls._create_settlement_user("ms_arch_reviewer", f"{group}reviewer")
        cls.manager_2 = cls._create_settlement_user("ms_arch_manager2", f"{group}manager")
        cls.archivist = cls._create_settlement_user("ms_arch_archivist", f"{group}archivist")
        cls.customer_third = cls._create_monthly_customer("西南物流有限公司", cutoff_month_end=True)
        # Statements to 2026-11-25 (customer_25) and 2026-11-30 (the others).
        cls.invoice_25 = cls._invoice(cls.customer_25, "2026-11-05", 2500)
        cls.invoice_month_end = cls._invoice(cls.customer_month_end, "2026-11-03", 700)
        cls.invoice_third = cls._invoice(cls.customer_third, "2026-11-12", 1234.56)

    def _confirmed(self, partner, date_to="2026-11-30", name="张三"):
        statement = self._generate(partner, self.d(date_to))
        statement.action_submit()
        statement.with_user(self.reviewer).action_approve()
        statement.with_user(self.reviewer)._mark_sent(self.d("2026-12-01"))
        statement.with_user(self.reviewer)._record_confirmation(name, channel="phone")
        self.assertEqual(statement.state, "confirmed")
        return statement

    def _flip_stored_byte(self, attachment):
        """Flip one byte of the attachment's file in the filestore (put back after the test)."""
        path = attachment._full_path(attachment.store_fname)
        with open(path, "r+b") as stored:
            stored.seek(10)
            byte = stored.read(1)
            stored.seek(10)
            stored.write(bytes([byte[0] ^ 0xFF]))
        self.addCleanup(self._restore_byte, path, byte)

    @staticmethod
    def _restore_byte(path, byte):
        if os.path.exists(path):
            with open(path, "r+b") as stored:
                stored.seek(10)
                stored.write(byte)

    def _archive(self, statements):
        archived, left = statements._archive()
        self.assertEqual((archived, left), (statements, statements.browse()))
        return archived


@tagged("post_install", "-at_install")
class TestArchive(ArchiveCommon):
    def test_archive_numbers_hashes_and_chain(self):
        first = self._confirmed(self.customer_25)
        second = self._confirmed(self.customer_month_end)
        self._archive(first | second)
        # Archived in statement date order: 2026-11-25 first, then 2026-11-30.
        self.assertEqual(first.archive_entry_id.sequence + 1, second.archive_entry_id.sequence)
        self.assertEqual(first.archive_number, f"ARC/2026/{first.archive_entry_id.sequence:06d}")
        self.assertEqual(first.retention_until, date(2036, 12, 31), "10 years after the 2026 fiscal year")
        previous = GENESIS
        for statement in first | second:
            entry = statement.archive_entry_id
            sent = statement._get_sent_attachments()
            self.assertEqual(len(sent), 2, "the PDF and XLSX the customer received")
            self.assertEqual(len(entry.file_ids), 4, "the files sent, then the final PDF and XLSX")
            self.assertEqual(entry.file_ids.attachment_id[:2], sent, "byte for byte what was sent")
            final = entry.file_ids.attachment_id[2:]
            self.assertEqual(
                sorted(name.rsplit(".", 1)[1] for name in final.mapped("name")),
                sorted(name.rsplit(".", 1)[1] for name in sent.mapped("name")),
                "a final PDF and XLSX (the PDF is HTML in tests without report rendering)",
            )
            for archived_file in entry.file_ids:
                self.assertEqual(archived_file.sha256, sha(archived_file.attachment_id.raw))
            self.assertEqual(set(final.mapped("res_id")), {statement.id})
            content = json.loads(statement._archive_canonical_content())
            self.assertEqual(sha(statement._archive_canonical_content()), entry.content_hash)
            self.assertEqual(
                entry.chain_hash,
                sha(entry.previous_hash + entry.content_hash + "".join(entry.file_ids.mapped("sha256"))),
            )
            if entry.sequence == 1:
                self.assertEqual(entry.previous_hash, previous)
            self.assertEqual(content["confirmation"]["confirm_name"], "张三")
            self.assertEqual(content["confirmation"]["state"], "confirmed")
            previous = entry.chain_hash
        self.assertEqual(second.archive_entry_id.previous_hash, first.archive_entry_id.chain_hash)
        content = json.loads(first._archive_canonical_content())
        self.assertEqual(content["header"]["closing_balance"], "2500.00")
        self.assertEqual(content["header"]["period_end"], "2026-11-25")
        self.assertEqual([line["amount"] for line in content["lines"]], ["0.00", "2500.00"], "opening, invoice")
        # The final PDF archived shows who confirmed; the one sent does not.
        sent_pdf, final_pdf = first.archive_entry_id.file_ids.attachment_id.filtered(
            lambda a: not a.name.endswith(".xlsx")
        )
        self.assertIn("张三", final_pdf.raw.decode())
        self.assertNotIn("张三", sent_pdf.raw.decode())
        # Archiving again does nothing.
        self.assertEqual(first._archive(), (first.browse(), first.browse()))
        self.assertEqual(first._integrity_problems(), {})

    def test_archived_statement_frozen_for_everyone(self):
        statement = self._confirmed(self.customer_25)
        self._archive(statement)
        number = statement.archive_number
        attempts = [
            lambda: statement.sudo().write({"closing_balance": 1}),
            lambda: statement.sudo().write({"note": "改"}),
            lambda: statement.sudo().write({"state": "sent"}),
            lambda: statement.line_ids.sudo().write({"amount": 1}),
            lambda: statement.ageing_ids.sudo().write({"amount": 1}),
            lambda: statement.line_ids.sudo().unlink(),
            lambda: statement.ageing_ids.sudo().unlink(),
            lambda: (
                self.env["monthly.settlement.statement.line"]
                .sudo()
                .create({"statement_id": statement.id, "line_type": "other", "amount": 5})
            ),
            lambda: statement.with_user(self.manager_2).write({"accountant_id": self.manager_2.id}),
            lambda: statement.archive_entry_id.sudo().write({"content_hash": "0"}),
            lambda: statement.archive_entry_id.sudo().unlink(),
            lambda: statement.archive_entry_id.file_ids.sudo().write({"sha256": "0"}),
        ]
        for attempt in attempts:
            with self.subTest(attempt=attempt), self.assertRaises(UserError) as caught:
                attempt()
            self.assertTrue(number in str(caught.exception) or "Archive entries" in str(caught.exception))
        with self.assertRaises(UserError) as caught:
            statement.sudo().unlink()
        self.assertIn("2036-12-31", str(caught.exception), "the message gives the last day of retention")
        # A late answer is refused too: the archive is final.
        with self.assertRaises(UserError):
            statement.sudo()._record_confirmation("李四", channel="phone")
        self.assertEqual(statement.closing_balance, 2500)
        self.assertEqual(statement._integrity_problems(), {})

    def test_tamper_detection_lists_every_break(self):
        statements = (
            self._confirmed(self.customer_25)
            | self._confirmed(self.customer_month_end)
            | self._confirmed(self.customer_third)
        )
        self._archive(statements)
        changed, file_changed, deleted = statements.sorted(lambda statement: statement.archive_entry_id.sequence)
        names = {record: record.display_name for record in statements}
        # 1. One line amount changed in SQL.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE monthly_settlement_statement_line SET amount = amount + 1 WHERE id = %s", [changed.line_ids[-1].id]
        )
        # 2. One byte of a stored archived file changed in the filestore.
        attachment = file_changed.archive_entry_id.file_ids.attachment_id[:1]
        self._flip_stored_byte(attachment)
        # 3. One archived statement deleted in SQL (what was sent to the customer first: the database
        # refuses to delete a statement whose sendings remain).
        self.env.cr.execute("DELETE FROM monthly_settlement_statement_sending WHERE statement_id = %s", [deleted.id])
        self.env.cr.execute("DELETE FROM monthly_settlement_statement WHERE id = %s", [deleted.id])
        self.env.invalidate_all()

        check = self.env["monthly.settlement.archive.check"]._run(self.env.company)
        self.assertFalse(check.is_intact)
        # Odoo stores identical contents once: every archived file kept in the flipped store file breaks.
        sharing = file_changed.archive_entry_id.file_ids.attachment_id.filtered(
            lambda other: other.store_fname == attachment.store_fname
        )
        self.assertEqual(check.problem_count, 1 + len(sharing) + 1, check.result)
        lines = check.result.splitlines()
        self.assertTrue(any(names[changed] in line and "content" in line for line in lines), lines)
        self.assertTrue(any(names[file_changed] in line and attachment.name in line for line in lines), lines)
        self.assertTrue(any(names[deleted] in line and "no longer exists" in line for line in lines), lines)
        self.assertEqual(check.broken_statement_ids, changed | file_changed)
        problems = (changed | file_changed)._integrity_problems()
        self.assertEqual(set(problems), {changed.id, file_changed.id})

    def test_deleted_entry_breaks_the_chain(self):
        statements = self._confirmed(self.customer_25) | self._confirmed(self.customer_month_end)
        self._archive(statements)
        first, second = statements.sorted(lambda statement: statement.archive_entry_id.sequence)
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM monthly_settlement_archive_entry WHERE id = %s", [first.archive_entry_id.id])
        self.env.invalidate_all()
        check = self.env["monthly.settlement.archive.check"]._run(self.env.company)
        self.assertIn(second.display_name, check.result)
        self.assertIn("missing from the chain", check.result)

    def test_retention_across_fiscal_years(self):
        Statement = self.env[STATEMENT]

        def until(period_end):
            return Statement.new(
                {"company_id": self.env.company.id, "period_end": period_end}
            )._archive_retention_until()

        self.env.company.write({"fiscalyear_last_day": 31, "fiscalyear_last_month": "12"})
        self.assertEqual(until(date(2026, 12, 25)), date(2036, 12, 31))
        self.assertEqual(until(date(2027, 1, 25)), date(2037, 12, 31))
        self.env.company.write({"fiscalyear_last_day": 31, "fiscalyear_last_month": "3"})
        self.assertEqual(until(date(2026, 12, 25)), date(2037, 3, 31), "fiscal year April 2026 - March 2027")
        self.assertEqual(until(date(2027, 1, 25)), date(2037, 3, 31))
        self.assertEqual(until(date(2027, 4, 25)), date(2038, 3, 31))
        rule = self.env["monthly.settlement.retention.rule"].create({"document_type": "statement", "years": 30})
        self.assertEqual(until(date(2026, 12, 25)), date(2057, 3, 31))
        with self.assertRaises(ValidationError):
            rule.years = 5

    def test_open_receivables_hold_and_destruction_list(self):
        open_statement = self._confirmed(self.customer_25)
        paid_statement = self._confirmed(self.customer_month_end)
        self._archive(open_statement | paid_statement)
        self._pay(self.invoice_month_end, "2026-12-02", 700)
        after = date(2037, 1, 2)
        holds = (open_statement | paid_statement)._destruction_holds(today=after)
        self.assertEqual(list(holds), [open_statement.id])
        self.assertIn("2500.00", holds[open_statement.id])
        self.assertIn("2036-12-31", (open_statement | paid_statement)._destruction_holds()[paid_statement.id])

        Destruction = self.env["monthly.settlement.archive.destruction"]
        with self.assertRaises(AccessError):
            Destruction.with_user(self.reviewer).create({"date": after})
        destruction = Destruction.with_user(self.archivist).create({"date": after})
        destruction.action_propose()
        self.assertEqual(destruction.line_ids.statement_id, paid_statement, "the open one is held back")
        with self.assertRaises(AccessError):
            destruction.action_approve()  # the archivist prepares, a manager approves
        destruction.with_user(self.manager_2).action_approve()
        self.assertEqual(destruction.approve_uid, self.manager_2)
        entry = paid_statement.archive_entry_id
        with self.assertRaises(UserError):
            destruction.action_destroy()  # still within retention today
        with freeze_time("2037-01-02 10:00:00"):
            destruction.action_destroy()
        self.assertEqual(destruction.state, "destroyed")
        self.assertEqual(destruction.destroy_uid, self.archivist)
        self.env.invalidate_all()
        self.assertFalse(paid_statement.exists())
        self.assertEqual(entry.destruction_id, destruction)
        self.assertFalse(entry.file_ids.attachment_id, "the files are destroyed with the statement")
        check = self.env["monthly.settlement.archive.check"]._run(self.env.company)
        self.assertTrue(check.is_intact, check.result)

    def test_daily_cron_archives_once(self):
        first = self._confirmed(self.customer_25)
        second = self._confirmed(self.customer_month_end)
        self.env["monthly.settlement.statement"].browse(second.id)._transition({"state": "deemed"})
        cron = self.env.ref("monthly_settlement.ir_cron_archive_statements")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
            cron.method_direct_trigger()
        self.env.invalidate_all()
        entries = self.env["monthly.settlement.archive.entry"].search([("company_id", "=", self.env.company.id)])
        self.assertEqual(entries.statement_id, first | second)
        self.assertEqual(entries.mapped("sequence"), [1, 2])

    def test_weekly_verification_gives_an_activity_on_failure(self):
        statement = self._confirmed(self.customer_25)
        statement.accountant_id = self.reviewer
        self._archive(statement)
        self.env.flush_all()
        self.env.cr.execute("UPDATE monthly_settlement_statement SET closing_balance = 1 WHERE id = %s", [statement.id])
        self.env.invalidate_all()
        with self.enter_registry_test_mode():
            self.env.ref("monthly_settlement.ir_cron_verify_archive").method_direct_trigger()
        check = self.env["monthly.settlement.archive.check"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.assertFalse(check.is_intact)
        self.assertEqual(check.broken_statement_ids, statement, check.result)
        activity = self.env["mail.activity"].with_user(self.reviewer).search([("res_model", "=", check._name)])
        self.assertEqual(activity.user_id, self.reviewer, "the responsible accountant of the broken statement")
        self.assertEqual(activity.summary, "对账单档案完整性被破坏", "in the accountant's language")

    def test_customer_year_zip(self):
        statement = self._confirmed(self.customer_25)
        self._archive(statement)
        name, content = statement.with_user(self.archivist)._archive_year_zip()
        self.assertTrue(name.endswith(".zip"))
        import io  # noqa: PLC0415
        import zipfile  # noqa: PLC0415

        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            self.assertEqual(len(names), 6, names)  # PDF and XLSX as sent, final PDF and XLSX, index, SHA256SUMS
            index = archive.read(next(n for n in names if n.endswith(".csv"))).decode("utf-8-sig")
        self.assertIn(statement.archive_number, index)
        self.assertIn(statement.archive_entry_id.chain_hash, index)

    def test_payment_reminders_still_go_for_archived_statements(self):
        """Archiving freezes the record, not the chase: reminders and their activities still work."""
        self.customer_25.email = "ar@huadong.example.com"
        statement = self._confirmed(self.customer_25)
        self._archive(statement)
        due = self.env["monthly.settlement.reminder"]._prepare_payment_reminders(statement.date_due)
        self.assertIn(statement, [item[0] for item in due])
        self.env["monthly.settlement.reminder"]._send_reminders(due, statement.date_due)
        self.assertTrue(statement.reminder_ids)
        self.assertEqual(statement._integrity_problems(), {})
