"""The SMTP sink (PROTOCOL.md §4): accept every message and record it, decoded.

aiosmtpd runs its own event loop in a thread. A record holds the envelope, every header (RFC 2047
words decoded), the subject, and the text body decoded from quoted-printable or base64 in its
charset, so a scenario can search a mail for a dossier code without knowing how it was encoded.
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import socket

from aiosmtpd.controller import Controller

from harness.nps import clock
from harness.nps.validation import nfc_problems


def decode_message(content: bytes) -> dict:
    message = email.message_from_bytes(content, policy=email.policy.default)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    attachments = [{"filename": part.get_filename(), "content_type": part.get_content_type(),
                    "size": len(part.get_payload(decode=True) or b"")}
                   for part in message.iter_attachments()]
    return {
        "subject": str(message.get("Subject", "")),
        "from": str(message.get("From", "")),
        "to": str(message.get("To", "")),
        "headers": [[name, str(value)] for name, value in message.items()],
        "text": _content(text_part),
        "html": _content(html_part),
        "attachments": attachments,
    }


def _content(part) -> str | None:
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, ValueError):  # an unknown charset: keep what can be read
        return (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")


class SinkHandler:
    """aiosmtpd handler: every DATA becomes a record of kind "mail"."""

    def __init__(self, simulator):
        self.sim = simulator

    async def handle_DATA(self, server, session, envelope) -> str:
        arrived = clock.now()
        fault = self.sim.faults.take("smtp")
        if fault and fault.delay_ms:
            await asyncio.sleep(fault.delay_ms / 1000)
        if fault and fault.is_error:
            reply = f"{fault.code} {fault.message or 'dokiem: lỗi mô phỏng (simulated failure)'}"
        else:
            reply = "250 OK"
        try:
            request = decode_message(envelope.original_content or envelope.content)
            problems = nfc_problems({"subject": request["subject"], "text": request["text"]})
        except Exception as exc:  # a message Python's parser cannot read is still evidence
            request = {"raw": (envelope.content or b"")[:20000].decode("utf-8", errors="replace")}
            problems = [{"kind": "mail", "rule": "parse", "path": "$",
                         "message": f"không đọc được thư ({exc}) — the message could not be parsed ({exc})"}]
        request["envelope"] = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos)}
        self.sim.records.add("mail", "smtp", request, {"smtp": reply}, problems, clock.iso(arrived),
                             fault=fault.describe() if fault else None,
                             remote=session.peer[0] if session.peer else None)
        return reply


class SinkController(Controller):
    """aiosmtpd's Controller on a socket we bound ourselves, so port 0 gives a free port we know."""

    def __init__(self, handler, host: str, port: int):
        self._socket = socket.create_server((host, port), family=_family(host))
        bound_port = self._socket.getsockname()[1]
        super().__init__(handler, hostname=host, port=bound_port, enable_SMTPUTF8=True, ready_timeout=10)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._socket, ssl=self.ssl_context)


def _family(host: str) -> int:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
