"""A real SMTP server process on loopback (aiosmtpd), and a reader of what it got.

Usage in a test (functional layer, since mail leaves on transaction commit)::

    def test_x(functional_portal, smtp_server):
        smtp_server.connect(functional_portal)   # points MailHost at the server
        ... do something, transaction.commit() ...
        (mail,) = smtp_server.wait_for(1)
        assert mail["To"] == "..."
"""

import email
import email.policy
import mailbox
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import transaction


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    # The aiosmtpd handler (``module.Class``) the server process runs.
    handler = "aiosmtpd.handlers.Mailbox"

    def __init__(self, maildir: Path):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.maildir = maildir
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"{self.host}:{self.port}",
                "-c",
                self.handler,
                str(self.maildir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the SMTP server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def connect(self, portal, sender="portal@cpms.example.org"):
        """Point the portal's MailHost at this server and commit."""
        from plone import api

        mailhost = api.portal.get_tool("MailHost")
        mailhost.smtp_host = self.host
        mailhost.smtp_port = self.port
        api.portal.set_registry_record("plone.smtp_host", self.host)
        api.portal.set_registry_record("plone.smtp_port", self.port)
        api.portal.set_registry_record("plone.email_from_address", sender)
        api.portal.set_registry_record("plone.email_from_name", "CPMS portal")
        transaction.commit()

    def messages(self) -> list[EmailMessage]:
        box = mailbox.Maildir(self.maildir, factory=None, create=True)
        found = [
            email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            for key in box.iterkeys()
        ]
        return sorted(found, key=lambda m: m.get("Date", ""))

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages, once at least ``count`` arrived (or fail after timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages()
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"{len(found)} mails, expected {count}"
                return found
            time.sleep(0.05)

    def clear(self):
        box = mailbox.Maildir(self.maildir, factory=None, create=True)
        box.clear()
