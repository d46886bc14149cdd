"""The SMTP test server, also keeping each message's bytes as they came in.

aiosmtpd's Mailbox stores parsed messages (the Maildir rewrites line ends),
so to see what a real SMTP server gets, ``WireMailbox`` also writes
``envelope.original_content`` (the DATA bytes, dot-unstuffed, nothing else
touched) to ``<maildir>.wire/``.
"""

import time
from pathlib import Path

from aiosmtpd.handlers import Mailbox

from tests.helpers.smtp import SMTPServer


def wire_dir(maildir) -> Path:
    path = Path(maildir)
    return path.with_name(f"{path.name}.wire")


class WireMailbox(Mailbox):
    """Runs in the server process (``python -m aiosmtpd -c ...``)."""

    async def handle_DATA(self, server, session, envelope):
        target = wire_dir(self.mail_dir)
        target.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}.eml"
        (target / name).write_bytes(envelope.original_content)
        return await super().handle_DATA(server, session, envelope)


class WireSMTPServer(SMTPServer):
    handler = "tests.core.wire.WireMailbox"

    def raw(self) -> list[bytes]:
        """The bytes of each message received, in order of arrival."""
        folder = wire_dir(self.maildir)
        if not folder.exists():
            return []
        return [p.read_bytes() for p in sorted(folder.glob("*.eml"))]

    def wait_for_raw(self, count: int, timeout: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.raw()
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"{len(found)} mails, expected {count}"
                return found
            time.sleep(0.05)

    def clear(self):
        super().clear()
        for path in wire_dir(self.maildir).glob("*.eml"):
            path.unlink()
