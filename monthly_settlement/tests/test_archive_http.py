"""The archive over HTTP, as its users reach it: writes and deletes refused for every role (the
administrator included), the archivist's menu and search, and a customer's year as a ZIP."""

import hashlib
import io
import zipfile

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .http_common import RpcError, WebClientCase
from .test_archive import ArchiveCommon

STATEMENT = "monthly.settlement.statement"


@tagged("post_install", "-at_install")
class TestArchiveOverHttp(ArchiveCommon, WebClientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._create_settlement_user("ms_arch_http_manager", "monthly_settlement.group_settlement_manager")
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.write({"password": "ms_arch_admin", "company_ids": [(4, cls.env.company.id)]})

    def setUp(self):
        super().setUp()
        self.statement = self._confirmed(self.customer_25)
        self._archive(self.statement)

    def test_writes_and_deletes_refused_for_every_role(self):
        number = self.statement.archive_number
        for user, password in ((self.manager, self.manager.login), (self.admin, "ms_arch_admin")):
            self.authenticate(user.login, password)
            self.web_user = user
            context = self.web_context(allowed_company_ids=[self.env.company.id], lang="en_US")
            for method, args, told in (
                # the note is refused first as on any approved statement
                ("write", [[self.statement.id], {"note": "改过的"}], "no longer a draft"),
                ("write", [[self.statement.id], {"accountant_id": user.id}], number),
                ("unlink", [[self.statement.id]], "2036-12-31"),
            ):
                with self.subTest(user=user.login, method=method), self.assertRaises(RpcError) as caught:
                    self.call_kw(STATEMENT, method, args, context=context)
                self.assertIn(told, caught.exception.message)
            with self.assertRaises(RpcError):
                self.call_kw(
                    "monthly.settlement.statement.line",
                    "write",
                    [self.statement.line_ids.ids, {"amount": 1}],
                    context=context,
                )
            with self.assertRaises(RpcError):
                self.call_kw(
                    "monthly.settlement.archive.entry", "unlink", [self.statement.archive_entry_id.ids], context=context
                )
        self.statement.invalidate_recordset()
        self.assertEqual(self.statement.closing_balance, 2500)
        self.assertEqual(self.statement._integrity_problems(), {})

    def test_archivist_finds_the_archive_and_downloads_a_year(self):
        self.web_login(self.archivist)
        menus = self.url_open("/web/webclient/load_menus").json()
        archive_menu = self.env.ref("monthly_settlement.menu_monthly_settlement_archive")
        self.assertIn(str(archive_menu.id), menus, "the archive menu is the archivist's")
        action = self.env.ref("monthly_settlement.action_monthly_settlement_archive")
        found = self.call_kw(
            STATEMENT,
            "search_read",
            [safe_eval(action.domain)],
            {"fields": ["name", "archive_number", "retention_until"]},
        )
        self.assertEqual(
            found,
            [
                {
                    "id": self.statement.id,
                    "name": self.statement.name,
                    "archive_number": self.statement.archive_number,
                    "retention_until": "2036-12-31",
                }
            ],
        )
        # The button gives the route; the route gives the ZIP.
        url = self.call_button(self.statement, "action_download_archive_year")["url"]
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/zip")
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            sums = archive.read("SHA256SUMS").decode()
            for line in sums.splitlines():
                digest, path = line.split("  ", 1)
                self.assertEqual(hashlib.sha256(archive.read(path)).hexdigest(), digest, path)
            archived = set(self.statement.archive_entry_id.file_ids.mapped("sha256"))
            in_zip = {hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()}
        self.assertLessEqual(archived, in_zip, "the archived files, byte for byte")

    def test_statement_not_readable_gets_404(self):
        portal = self._create_portal_user("ms_arch_portal", self.customer_25)
        self.web_login(portal)
        response = self.url_open(f"/monthly_settlement/archive/{self.statement.id}/year.zip")
        self.assertEqual(response.status_code, 404)

    def test_manager_archives_older_statements_in_a_batch(self):
        older = self._confirmed(self.customer_month_end)
        self.web_login(self.reviewer)
        with self.assertRaises(RpcError) as caught:
            self.call_button(older, "action_archive_statements")
        self.assertEqual(caught.exception.name, "odoo.exceptions.AccessError")
        self.web_login(self.manager)
        result = self.call_button(older | self.statement, "action_archive_statements")
        self.assertEqual(
            result["params"]["message"], "已归档对账单：1 份。", "the one already archived is left as it is"
        )
        older.invalidate_recordset()
        self.assertTrue(older.archive_number)
        self.assertEqual(
            older.archive_entry_id.previous_hash,
            self.statement.archive_entry_id.chain_hash,
            "chained after the statement archived before it",
        )
