"""One simulator: its settings and the services that share a record store and a fault table."""
from __future__ import annotations

from dataclasses import dataclass, field

from harness.nps import clock
from harness.nps.catalogue import NationalCatalogue
from harness.nps.faults import FaultTable
from harness.nps.payment import PaymentPlatform
from harness.nps.portal import SESSION_SECONDS, NationalPortal
from harness.nps.records import SIMULATOR, RecordStore
from harness.nps.validation import PacketValidator


@dataclass
class Settings:
    run_id: str
    public_url: str
    users: dict[str, str] = field(default_factory=lambda: {"dokiem": "dokiem-nps"})
    partners: dict[str, str] = field(default_factory=lambda: {"DOKIEM": "dokiem-secret"})
    session_seconds: float = SESSION_SECONDS
    callback_verify: bool | str = True
    control_token: str | None = None
    smtp_host: str = ""
    smtp_port: int = 0
    url: str = ""


class Simulator:
    def __init__(self, settings: Settings, validator: PacketValidator, catalogue: NationalCatalogue,
                 records: RecordStore):
        self.settings = settings
        self.validator = validator
        self.records = records
        self.faults = FaultTable()
        self.portal = NationalPortal(settings.users, catalogue, settings.session_seconds)
        self.payments = PaymentPlatform(settings.partners, settings.public_url, settings.callback_verify)

    def health(self) -> dict:
        s = self.settings
        return {"status": "ok", "run_id": s.run_id, "url": s.url, "public_url": s.public_url,
                "smtp_host": s.smtp_host, "smtp_port": s.smtp_port, "records": len(self.records),
                "last_seq": self.records.last_seq, "faults": self.faults.active(),
                "packet_schemas": self.validator.services}

    def reset(self) -> None:
        """Forget records, synced dossiers, payments and faults; keep configuration and sessions."""
        self.records.clear()
        self.portal.reset()
        self.payments.reset()
        self.faults.clear()

    def complete_payment(self, ref: str, paid: bool = True, via: str = "control") -> dict:
        """The citizen pays (or cancels): settle, send the CONFIRM to the target, record both.

        KeyError when the reference is unknown. Blocking (one HTTP call to the target).
        """
        started = clock.now()
        payment, confirm, resent = self.payments.settle(ref, paid)
        callback = self.payments.post_callback(payment, confirm)
        problems = self.validator.validate("CONFIRM", confirm)
        self.records.add("payment", "CONFIRM", confirm, callback, problems, clock.iso(started), origin=SIMULATOR,
                         direction="outbound", via=via, resent=resent)
        return {"MaThamChieu": ref, "TrangThaiGD": payment.state, "MaGiaoDich": payment.transaction_id,
                "resent": resent, "confirm": confirm, "callback": callback}
