"""The audit pack, checked as the external auditor will: extracted, then `sha256sum -c SHA256SUMS`."""

import base64
import csv
import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.monthly_settlement.tests.test_archive import ArchiveCommon


@tagged("post_install", "-at_install")
class TestAuditPack(ArchiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auditor = cls._create_settlement_user("ms_pack_auditor", "monthly_settlement.group_settlement_auditor")

    def _pack(self, date_from, date_to, user=None):
        wizard = self.env["monthly.settlement.audit.pack"].with_user(user or self.auditor)
        wizard = wizard.create({"date_from": date_from, "date_to": date_to})
        wizard.action_build()
        return wizard

    def test_pack_verified_by_sha256sum(self):
        statements = self._confirmed(self.customer_25) | self._confirmed(self.customer_month_end)
        self._archive(statements)
        wizard = self._pack("2026-11-01", "2026-11-30")
        self.assertEqual(wizard.statement_count, 2)
        with tempfile.TemporaryDirectory() as folder:
            with zipfile.ZipFile(io.BytesIO(base64.b64decode(wizard.pack))) as archive:
                archive.extractall(folder)
                names = archive.namelist()
            # 2 statements × (PDF + XLSX as sent, final PDF + XLSX), the XLSX and CSV indexes, the manifest.
            self.assertEqual(len(names), 11, names)
            result = subprocess.run(
                ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False
            )
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertEqual(result.stdout.count(": OK"), 10, "every file but the manifest is listed")

            # The indexes list each statement with its archive number, amounts and hashes.
            csv_name = next(name for name in names if name.endswith(".csv"))
            rows = list(csv.reader(io.StringIO((Path(folder) / csv_name).read_text(encoding="utf-8-sig"))))
            self.assertEqual(len(rows), 3)
            by_number = {row[0]: row for row in rows[1:]}
            for statement in statements:
                row = by_number[statement.archive_number]
                self.assertEqual(row[1], statement.name)
                self.assertIn(statement.archive_entry_id.chain_hash, row)
                self.assertIn(f"{statement.closing_balance:.2f}", row)
            xlsx_name = next(name for name in names if name.endswith(".xlsx") and "/" not in name)
            sheet = openpyxl.load_workbook(Path(folder) / xlsx_name).active
            values = [[cell.value for cell in row] for row in sheet.iter_rows()]
            self.assertEqual([str(value) if value is not None else "" for value in values[1]], rows[1])

            # One byte flipped in one statement file: sha256sum names it and fails.
            tampered = Path(folder) / next(name for name in names if "/" in name)
            content = bytearray(tampered.read_bytes())
            content[20] ^= 0xFF
            tampered.write_bytes(bytes(content))
            result = subprocess.run(
                ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False
            )
            self.assertNotEqual(result.returncode, 0)
            self.assertIn(f"{tampered.relative_to(folder)}: FAILED", result.stdout)

    def test_pack_refusals(self):
        with self.assertRaises(UserError):
            self._pack("2026-11-01", "2026-11-30")  # nothing archived
        portal = self._create_portal_user("ms_pack_portal", self.customer_25)
        with self.assertRaises(AccessError):
            self._pack("2026-11-01", "2026-11-30", user=portal)
