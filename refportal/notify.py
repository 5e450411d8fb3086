"""Mail (SMTP) and SMS (HTTP gateway) to applicants, sent by a background thread so a slow or
broken mail server never delays or fails a request. Failures are logged, then dropped."""
from __future__ import annotations

import logging
import queue
import smtplib
import threading
from dataclasses import dataclass
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr

import requests

from refportal import defects

log = logging.getLogger("refportal.notify")


@dataclass
class Mail:
    to: str
    subject: str
    body: str


@dataclass
class Sms:
    to: str
    text: str


class Notifier:
    def __init__(self, smtp: tuple[str, int] | None, sms_gateway: str | None, mail_from: str, sms_sender: str):
        self.smtp, self.sms_gateway = smtp, (sms_gateway.rstrip("/") if sms_gateway else None)
        self.mail_from, self.sms_sender = mail_from, sms_sender
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="refportal-notify", daemon=True)

    @property
    def enabled(self) -> bool:
        return bool(self.smtp or self.sms_gateway)

    def start(self) -> None:
        if self.enabled:
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def mail(self, to: str | None, subject: str, body: str) -> None:
        if defects.on("mail-not-sent"):
            return  # DEFECT: no e-mail to applicants
        if self.smtp and to:
            self._queue.put(Mail(to, subject, body))

    def sms(self, to: str | None, text: str) -> None:
        if defects.on("sms-not-sent"):
            return  # DEFECT: no SMS to applicants
        if self.sms_gateway and to:
            self._queue.put(Sms(to, text))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                self._send_mail(item) if isinstance(item, Mail) else self._send_sms(item)
            except Exception as exc:  # never let a notification failure escape
                log.warning("không gửi được thông báo tới %s — notification not sent: %s", item.to, exc)

    def _send_mail(self, item: Mail) -> None:
        # compat32 MIMEText + Header: the default policy of Python 3.11 drops the spaces between
        # encoded words when it folds a long Vietnamese subject
        message = MIMEText(item.body, "plain", "utf-8")
        name, address = parseaddr(self.mail_from)
        message["From"] = formataddr((name, address), charset="utf-8")
        message["To"] = item.to
        message["Subject"] = Header(item.subject, "utf-8")
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="dichvucong.refportal")
        host, port = self.smtp
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            smtp.send_message(message)

    def _send_sms(self, item: Sms) -> None:
        answer = requests.post(f"{self.sms_gateway}/send", timeout=10,
                               json={"to": item.to, "message": item.text, "sender": self.sms_sender})
        answer.raise_for_status()
