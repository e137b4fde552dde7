"""Confirmation letters in the archive (会计档案): archived by the daily job in the same chain as the
statements, frozen for everyone, their breaks found by the integrity check, kept for their
retention period and destroyed through a destruction list, and handed over in the audit pack.

Hashes and dates are recomputed here with hashlib and by hand, not with the module's helpers.
"""

import base64
import csv
import io
import json
import subprocess
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from odoo.addons.monthly_settlement.tests.http_common import RpcError, WebClientCase
from odoo.addons.monthly_settlement.tests.test_archive import GENESIS, ArchiveCommon, sha

LETTER = "monthly.settlement.confirmation.letter"
ENTRY = "monthly.settlement.archive.entry"


@tagged("post_install", "-at_install")
class TestLetterArchive(ArchiveCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auditor = cls._create_settlement_user("ms_larch_auditor", "monthly_settlement.group_settlement_auditor")
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.write({"password": "ms_larch_admin", "company_ids": [(4, cls.env.company.id)]})
        for partner, email in (
            (cls.customer_25, "ap@east.example.com"),
            (cls.customer_month_end, "ap@north.example.com"),
            (cls.customer_third, "ap@southwest.example.com"),
        ):
            partner.email = email

    def _letters(self, partners, form="positive"):
        """Issued and emailed by the auditor, with the balance at 2026-11-30."""
        Letter = self.env[LETTER].with_user(self.auditor).with_context(force_report_rendering=True)
        letters = Letter._issue(partners, form, date(2026, 11, 30), date(2026, 12, 20))
        letters.action_send()
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        return self.env[LETTER].browse(letters.ids)

    def _closed_letters(self):
        """East answers (agrees), north disagrees with its amount, the negative letter to the third
        customer is deemed agreed after the deadline, and a positive one to it gets no reply."""
        east, north = self._letters(self.customer_25 | self.customer_month_end).sorted(
            lambda letter: letter.partner_id != self.customer_25
        )
        [deemed] = self._letters(self.customer_third, form="negative")
        [silent] = self._letters(self.customer_third)
        east.sudo()._record_reply(True, name="周丽", ip="203.0.113.7")
        north.sudo()._record_reply(False, amount="650", comment="少一张贷项通知单", name="王芳", ip="198.51.100.9")
        (deemed | silent)._close_overdue(today=date(2026, 12, 21))
        self.assertEqual(
            (east | north | deemed | silent).mapped("state"), ["answered", "answered", "deemed", "no_reply"]
        )
        return east, north, deemed, silent

    def _run_letter_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref("monthly_settlement_audit.ir_cron_archive_confirmation_letters").method_direct_trigger()
        self.env.invalidate_all()

    def test_letters_archived_by_cron_in_the_statements_chain(self):
        statement = self._confirmed(self.customer_25)
        self._archive(statement)
        east, north, deemed, silent = self._closed_letters()
        [pending] = self._letters(self.customer_month_end)  # still out: not archived
        self._run_letter_cron()
        self._run_letter_cron()  # nothing left: the second run archives nothing
        entries = self.env[ENTRY].search([("company_id", "=", self.env.company.id)])
        letters = east | north | deemed | silent
        self.assertEqual(len(entries), 5, "one statement, four letters, each once")
        self.assertEqual(entries.mapped("sequence"), [1, 2, 3, 4, 5], "one chain, no gap")
        self.assertEqual(entries[0].statement_id, statement)
        self.assertEqual(set(entries[1:].mapped("res_id")), set(letters.ids))
        self.assertEqual(set(entries[1:].mapped("document_type")), {"confirmation_letter"})
        self.assertFalse(pending.archive_entry_id)

        previous = GENESIS
        for entry in entries:
            self.assertEqual(entry.previous_hash, previous, f"entry {entry.sequence} follows the one before it")
            self.assertEqual(
                entry.chain_hash,
                sha(entry.previous_hash + entry.content_hash + "".join(entry.file_ids.mapped("sha256"))),
            )
            previous = entry.chain_hash
        for letter in letters:
            entry = letter.archive_entry_id
            self.assertEqual(entry.statement_name, letter.name)
            self.assertEqual(letter.retention_until, date(2036, 12, 31), "10 years after the 2026 fiscal year")
            # The PDF the customer received, hashed as it was sent.
            self.assertEqual(entry.file_ids.attachment_id, letter.sent_pdf_id)
            self.assertEqual(entry.file_ids.sha256, sha(letter.sent_pdf_id.raw))
            self.assertEqual(entry.file_ids.sha256, letter.sent_pdf_sha256)
            self.assertEqual(sha(letter._archive_canonical_content()), entry.content_hash)
        content = json.loads(east._archive_canonical_content())
        self.assertEqual(content["header"]["number"], east.name)
        self.assertEqual(content["header"]["form"], "positive")
        self.assertEqual(content["header"]["reply_deadline"], "2026-12-20")
        self.assertEqual(content["balance"]["balance"], "2500.00", "the 2,500 invoice of 2026-11-05")
        self.assertEqual(
            {key: content["answer"][key] for key in ("reply_kind", "reply_name", "reply_ip", "reply_amount")},
            {"reply_kind": "agree", "reply_name": "周丽", "reply_ip": "203.0.113.7", "reply_amount": "2500.00"},
        )
        north_answer = json.loads(north._archive_canonical_content())["answer"]
        self.assertEqual((north_answer["reply_amount"], north_answer["reply_comment"]), ("650.00", "少一张贷项通知单"))
        self.assertEqual(json.loads(deemed._archive_canonical_content())["answer"]["state"], "deemed")
        check = self.env["monthly.settlement.archive.check"]._run(self.env.company)
        self.assertTrue(check.is_intact, check.result)
        self.assertEqual(check.entry_count, 5)

        # Later, a statement joins the same chain after the letters.
        second = self._confirmed(self.customer_month_end)
        self._archive(second)
        self.assertEqual(second.archive_entry_id.sequence, 6)
        self.assertEqual(second.archive_entry_id.previous_hash, entries[-1].chain_hash)

    def test_archived_letter_frozen_for_everyone(self):
        east, _north, _deemed, _silent = self._closed_letters()
        east._archive()
        number = east.archive_number
        self.assertTrue(number)
        for attempt in (
            lambda: east.sudo().write({"reply_amount": 1}),
            lambda: east.sudo().write({"state": "sent"}),
            lambda: east.sudo().write({"batch_name": "改"}),
            lambda: east.sudo()._record_reply(False, amount="1", comment="迟到", name="李四"),
            lambda: east.archive_entry_id.sudo().write({"content_hash": "0"}),
            lambda: east.archive_entry_id.file_ids.sudo().write({"sha256": "0"}),
            lambda: east.sent_pdf_id.sudo().write({"raw": b"%PDF-1.4 other"}),
            lambda: east.sent_pdf_id.sudo().unlink(),
        ):
            with self.subTest(attempt=attempt), self.assertRaises(UserError):
                attempt()
        with self.assertRaises(UserError) as caught:
            east.sudo().unlink()
        self.assertIn("2036-12-31", str(caught.exception), "the message gives the last day of retention")
        self.env.invalidate_all()
        self.assertEqual((east.reply_amount, east.reply_name), (2500, "周丽"))
        self.assertEqual(east._integrity_problems(), {})

    def test_writes_and_deletes_refused_for_admin_over_http(self):
        east, _north, _deemed, _silent = self._closed_letters()
        east._archive()
        number = east.archive_number
        self.authenticate(self.admin.login, "ms_larch_admin")
        self.web_user = self.admin
        context = self.web_context(allowed_company_ids=[self.env.company.id], lang="en_US")
        for model, method, args, told in (
            (LETTER, "write", [[east.id], {"batch_name": "改过的"}], number),
            (LETTER, "unlink", [[east.id]], "2036-12-31"),
            # archive entries: no group may delete them (access rights); written once (the model)
            (ENTRY, "unlink", [east.archive_entry_id.ids], "not allowed"),
            (ENTRY, "write", [east.archive_entry_id.ids, {"content_hash": "0"}], "written once"),
            ("ir.attachment", "unlink", [east.sent_pdf_id.ids], "kept as sent"),
        ):
            with self.subTest(model=model, method=method), self.assertRaises(RpcError) as caught:
                self.call_kw(model, method, args, context=context)
            self.assertIn(told, caught.exception.message)
        self.env.invalidate_all()
        self.assertEqual(east.batch_name, False)
        self.assertEqual(east._integrity_problems(), {})

    def test_tamper_detection_on_letters(self):
        statement = self._confirmed(self.customer_25)
        self._archive(statement)
        east, north, deemed, _silent = self._closed_letters()
        (east | north | deemed)._archive()
        names = {letter: letter.name for letter in east | north | deemed}
        # 1. The answer amount changed in SQL.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE monthly_settlement_confirmation_letter SET reply_amount = 9999 WHERE id = %s", [north.id]
        )
        # 2. One byte of the PDF sent changed in the filestore.
        attachment = east.sent_pdf_id
        self._flip_stored_byte(attachment)
        # 3. One archived letter deleted in SQL.
        self.env.cr.execute("DELETE FROM monthly_settlement_confirmation_letter WHERE id = %s", [deemed.id])
        self.env.invalidate_all()

        check = self.env["monthly.settlement.archive.check"]._run(self.env.company)
        self.assertFalse(check.is_intact)
        self.assertEqual(check.problem_count, 3, check.result)
        lines = check.result.splitlines()
        self.assertTrue(any(names[north] in line and "content" in line for line in lines), lines)
        self.assertTrue(any(names[east] in line and attachment.name in line for line in lines), lines)
        self.assertTrue(any(names[deemed] in line and "no longer exists" in line for line in lines), lines)
        self.assertNotIn(statement.name, check.result, "the statement before them is intact")
        self.assertEqual(set((east | north)._integrity_problems()), {east.id, north.id})

    def test_retention_rule_and_destruction_list_cover_letters(self):
        self.env["monthly.settlement.retention.rule"].create({"document_type": "confirmation_letter", "years": 30})
        east, north, _deemed, _silent = self._closed_letters()
        east._archive()
        self.assertEqual(east.retention_until, date(2056, 12, 31), "the company's 30 years for letters")
        self.env["monthly.settlement.retention.rule"].search([("document_type", "=", "confirmation_letter")]).years = 10
        north._archive()
        self.assertEqual(north.retention_until, date(2036, 12, 31))

        destruction = self.env["monthly.settlement.archive.destruction"].with_user(self.archivist)
        destruction = destruction.create({"date": date(2037, 1, 2)})
        destruction.action_propose()
        self.assertEqual(destruction.line_ids.entry_id, north.archive_entry_id, "east is kept 30 years")
        self.assertEqual(destruction.line_ids.statement_name, north.name)
        self.assertEqual(destruction.line_ids.closing_balance, 700)
        destruction.with_user(self.manager_2).action_approve()
        entry, pdf = north.archive_entry_id, north.sent_pdf_id
        with self.assertRaises(UserError):
            destruction.action_destroy()  # still within retention today
        with freeze_time("2037-01-02 10:00:00"):
            destruction.action_destroy()
        self.env.invalidate_all()
        self.assertFalse(north.exists())
        self.assertFalse(pdf.exists(), "the PDF sent goes with its letter")
        self.assertEqual(entry.destruction_id, destruction)
        check = self.env["monthly.settlement.archive.check"]._run(self.env.company)
        self.assertTrue(check.is_intact, check.result)

    def test_audit_pack_with_letters_verified_by_sha256sum(self):
        statement = self._confirmed(self.customer_25)
        self._archive(statement)
        east, north, _deemed, _silent = self._closed_letters()
        (east | north)._archive()
        wizard = self.env["monthly.settlement.audit.pack"].with_user(self.auditor)
        wizard = wizard.create({"date_from": "2026-11-01", "date_to": "2026-11-30"})
        wizard.action_build()
        self.assertEqual((wizard.statement_count, wizard.letter_count), (1, 2))
        with tempfile.TemporaryDirectory() as folder:
            with zipfile.ZipFile(io.BytesIO(base64.b64decode(wizard.pack))) as archive:
                archive.extractall(folder)
                names = archive.namelist()
            # The statement's PDF and XLSX as sent and final, the two letters' PDFs, three indexes, the manifest.
            self.assertEqual(len(names), 10, names)
            result = subprocess.run(
                ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False
            )
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertEqual(result.stdout.count(": OK"), 9, "every file but the manifest is listed")
            for letter in east | north:
                folder_name = f"{letter.archive_number}_{letter.name}".replace("/", "-")
                [pdf] = [name for name in names if name.startswith(f"{folder_name}/")]
                self.assertEqual(sha((Path(folder) / pdf).read_bytes()), letter.sent_pdf_sha256, "the bytes sent")
            csv_name = next(name for name in names if name.endswith(".csv") and name != "index.csv")
            rows = list(csv.reader(io.StringIO((Path(folder) / csv_name).read_text(encoding="utf-8-sig"))))
            by_number = {row[1]: row for row in rows[1:]}
            self.assertEqual(set(by_number), {east.name, north.name})
            north_row = by_number[north.name]
            self.assertEqual(north_row[0], north.archive_number)
            self.assertIn("700.00", north_row)
            self.assertIn("650.00", north_row)
            self.assertIn("王芳", north_row)
            self.assertIn("198.51.100.9", north_row)
            self.assertIn(north.archive_entry_id.chain_hash, north_row)
            xlsx_name = next(name for name in names if name.endswith(".xlsx") and "/" not in name)
            workbook = openpyxl.load_workbook(Path(folder) / xlsx_name)
            self.assertEqual(len(workbook.worksheets), 2, "statements, then letters")
            letter_rows = [[cell.value for cell in row] for row in workbook.worksheets[1].iter_rows()]
            self.assertEqual({row[1] for row in letter_rows[1:]}, {east.name, north.name})
