"""A real SMTP server for tests: statement emails are delivered over SMTP and read back.

Odoo skips SMTP in test mode (``ir.mail_server._disable_send``); inside ``deliver_to_local_smtp``
it sends for real, to an aiosmtpd server on 127.0.0.1 that keeps what it receives.
"""

import contextlib
import email
import email.policy
import socket
from unittest.mock import patch

from aiosmtpd.controller import Controller

from odoo.addons.base.models.ir_mail_server import IrMail_Server


class Inbox:
    """aiosmtpd handler keeping each received message as (envelope recipients, parsed email)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def received(self, addresses):
        """{address: [(subject, HTML body)]} of what each of ``addresses`` received, in order
        (subjects unfolded: a long one comes folded over two header lines)."""
        received = {}
        for recipients, mail in self.messages:
            for recipient in set(recipients) & set(addresses):
                subject = " ".join(str(mail["Subject"]).split())
                received.setdefault(recipient, []).append((subject, mail.get_body(("html", "plain")).get_content()))
        return received


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def deliver_to_local_smtp(env):
    """Send queued and forced mails through a local SMTP server; yields its ``Inbox``."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    server = env["ir.mail_server"]
    try:
        server = (
            env["ir.mail_server"]
            .sudo()
            .create(
                {
                    "name": "Test SMTP sink",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": controller.port,
                    "smtp_encryption": "none",
                }
            )
        )
        with patch.object(IrMail_Server, "_disable_send", lambda *args: False):
            yield inbox
    finally:
        server.unlink()  # a later sink gets a new port
        controller.stop()


def run_mail_queue(case):
    """Run Odoo's mail queue (its scheduled action) in ``case``, delivering over SMTP to a local
    server; returns its ``Inbox``."""
    with deliver_to_local_smtp(case.env) as inbox, case.enter_registry_test_mode():
        case.env.ref("mail.ir_cron_mail_scheduler_action").method_direct_trigger()
    return inbox
