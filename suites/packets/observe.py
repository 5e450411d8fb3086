"""How the `packet_log` scenario observes: it waits (bounded) for the packets of the dossier_life
dossiers, then drives its own probes — session expiry, an injected error, a procedure pull — and
gathers what the judges compare packets with (published fees, the national catalogue, the files
behind the packets' URLs). Every wait returns as soon as the records are there.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Callable

from harness.gaps import note_refusal
from harness.judging import iso, now
from harness.nps.catalogue import load_catalogue
from harness.nps.records import from_target
from suites.packets.life import final_code, resolved, status_steps, true_code
from suites.packets.records import (DOSSIER_SERVICE, PROGRESS_SERVICE, PULL_SERVICE, accepted_packets, calls,
                                    match_steps, packets_of, progress_steps)

RECORD_KINDS = ("packet", "auth")
RECORD_FIELDS = ("seq", "time", "kind", "service", "request", "response", "validation", "http_status", "fault")
STEP_FIELDS = ("step", "operation", "role", "started", "finished", "ok", "http_status", "error", "expected_code",
               "portal_code", "backoffice_label", "backoffice_code")
PROBE_FILE = b"%PDF-1.4\n%dokiem probe\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FAULT_MESSAGE = "dokiem: lỗi mô phỏng để thử gửi lại — simulated failure, the packet must be resent"


# ------------------------------------------------------------------------------ edition facts

def schema_facts(packets_dir: Path) -> tuple[dict[str, list[str]], list[str]]:
    """From the edition's packet schemas: the mandatory fields of dossier and progress objects, and
    the names of every date field (those that refer to the common date definitions)."""
    required, dates = {}, set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for name, spec in (node.get("properties") or {}).items():
                if isinstance(spec, dict) and str(spec.get("$ref", "")).endswith(("/date", "/optionalDate")):
                    dates.add(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for service, file in ((DOSSIER_SERVICE, "dossier.schema.json"), (PROGRESS_SERVICE, "progress.schema.json")):
        path = Path(packets_dir) / file
        if path.is_file():
            schema = json.loads(path.read_text(encoding="utf-8"))
            required[service] = list(schema.get("required") or [])
            walk(schema)
    return required, sorted(dates)


def national_catalogue(codes: set[str]) -> dict[str, dict | None]:
    """What the simulator's national catalogue holds for these procedure codes (None: not held)."""
    catalogue = load_catalogue()
    found = {}
    for code in sorted(c for c in codes if isinstance(c, str)):
        entry = catalogue.get(code)
        found[code] = None if entry is None else {
            "name": entry.get("TENTTHC"),
            "sectors": [s.get("MALINHVUC") for s in entry.get("LINHVUCTHUCHIEN") or []]}
    return found


# ------------------------------------------------------------------------------ reading records

def trimmed(record: dict) -> dict:
    return {k: record.get(k) for k in RECORD_FIELDS}


def packet_records(raw: list[dict]) -> list[dict]:
    """The national-portal calls (and authentications) the target made, trimmed: dokiem's own probes
    (the catalogue's LayThuTuc and its authentication) are never judged as the target's packets."""
    return [trimmed(r) for r in from_target(raw) if r.get("kind") in RECORD_KINDS]


def fetch_records(nps, since: int = 0) -> list[dict]:
    """Records of the national-portal calls (and authentications) the simulator answered."""
    return packet_records(nps.records(since=since))


def earlier_sessions(nps, since: int) -> list[dict]:
    """The authentications the simulator answered up to `since` (sessions still in use in the run)."""
    if since <= 0:
        return []
    return [r for r in packet_records(nps.records(kind="auth", since=0)) if r["seq"] <= since]


def synced(dossiers: list[dict], records: list[dict]) -> bool:
    """Every status change has its DongBoHoSoMC and every officer step its CapNhatTienDoHoSoMC."""
    for dossier in dossiers:
        code = dossier["code"]
        pairs = match_steps(status_steps(dossier), packets_of(records, code, DOSSIER_SERVICE), DOSSIER_SERVICE)
        pairs += match_steps(progress_steps(dossier), packets_of(records, code, PROGRESS_SERVICE), PROGRESS_SERVICE)
        if any(match is None for _, match in pairs):
            return False
    return True


def wait_until(nps, done, deadline: dt.datetime, since: int = 0,
               keep: Callable[[list[dict]], list[dict]] = packet_records) -> list[dict]:
    """The records after `since`, fetched again whenever a new one arrives, until done(records) or the deadline.
    `keep` picks and converts the records wanted from each batch (by default the packet records;
    suites/notify keeps the mails and SMS)."""
    raw = nps.records(since=since)
    records = keep(raw)
    while not done(records):
        remaining = (deadline - now()).total_seconds()
        if remaining <= 0:
            break
        seen = raw[-1]["seq"] if raw else since
        newer = nps.records(since=seen, wait=remaining)  # returns at the next record, or at the deadline
        raw += newer
        records += keep(newer)
    return records


# ------------------------------------------------------------------------------ dossiers

def view_code(client, profile, code: str) -> tuple[str | None, int | None, dict | None]:
    result = client.call("get_dossier", dossier_code=code)
    if not result.ok:
        return None, None, None
    label = result.vars.get("status_label")
    return label, profile.status_code(label), result.json if isinstance(result.json, dict) else None


def attachment_hashes(*views) -> set[str]:
    """SHA-256 of the files a dossier view lists (refportal/API.md: attachments[].sha256)."""
    return {a["sha256"] for view in views if isinstance(view, dict)
            for a in view.get("attachments") or [] if isinstance(a, dict) and a.get("sha256")}


def from_dossier_life(dossier: dict) -> dict:
    """A dossier_life dossier as this scenario records it (its views left out; only their file hashes)."""
    known = {f.get("sha256") for f in dossier.get("files") or [] if f.get("sha256")}
    known |= attachment_hashes(dossier.get("officer_view"), dossier.get("citizen_view"))
    return {"key": dossier.get("key"), "origin": "dossier_life", "code": dossier.get("code"),
            "procedure_code": dossier.get("procedure_code"), "channel": dossier.get("channel"),
            "applicant": dossier.get("applicant"), "files": dossier.get("files") or [],
            "steps": [{k: s.get(k) for k in STEP_FIELDS} for s in dossier.get("steps") or []],
            "final_expected_code": dossier.get("final_expected_code"), "known_sha256": sorted(known),
            "result_sha256": []}


class ProbeDriver:
    """Drives the scenario's own dossiers, recording steps as dossier_life does."""

    def __init__(self, sc, profile, run_id: str):
        self.sc, self.profile, self.run_id = sc, profile, run_id
        self.citizen = sc.client("citizen")
        self.officer = sc.client("receiving_officer")

    def new(self, key: str, purpose: str) -> dict:
        procedure = self.profile.test_data.get("online_procedure")
        content = PROBE_FILE + f"{self.run_id} {key}\n".encode()
        return {"key": key, "purpose": purpose, "origin": "probe", "code": None, "procedure_code": procedure,
                "channel": "online",
                "applicant": {"role": "citizen", "index": 0, "username": self.citizen.account.username},
                "files": [{"name": f"{key}.pdf", "sha256": hashlib.sha256(content).hexdigest(), "component_code": None}],
                "_content": content, "steps": [], "final_expected_code": None,
                "known_sha256": [hashlib.sha256(content).hexdigest()], "result_sha256": []}

    def step(self, dossier: dict, name: str, client, operation: str, expected: int, **inputs) -> bool:
        started = now()
        result = client.call(operation, **inputs)
        finished = now()
        row = {"step": name, "operation": operation, "role": client.role, "started": iso(started),
               "finished": iso(finished), "ok": result.ok, "http_status": result.status,
               "error": None if result.ok else note_refusal(client, result) or result.describe(),
               "expected_code": expected}
        if result.ok and name == "submit":
            dossier["code"] = result.vars.get("dossier_code")
        if dossier.get("code"):
            row["backoffice_label"], row["backoffice_code"], _ = view_code(self.officer, self.profile, dossier["code"])
        dossier["steps"].append(row)
        return result.ok

    def submit(self, dossier: dict) -> bool:
        form = {**(self.profile.test_data.get("form_data") or {}), "ghi_chu": f"dokiem {self.run_id} {dossier['key']}"}
        files = [{"name": dossier["files"][0]["name"], "content": dossier["_content"], "content_type": "application/pdf"}]
        ok = self.step(dossier, "submit", self.citizen, "submit_dossier", 1,
                       procedure_code=dossier["procedure_code"], form_data=form, files=files)
        if ok and not dossier.get("code"):
            dossier["steps"][-1].update(ok=False, error="submit_dossier returned no dossier_code — không trả mã hồ sơ")
            return False
        return ok

    def withdraw(self, dossier: dict) -> bool:
        return self.step(dossier, "withdraw", self.citizen, "withdraw_dossier", 7, dossier_code=dossier["code"])


def settled(dossier: dict, code: int) -> callable:
    """done() for wait_until: the portal accepted a DongBoHoSoMC of the dossier with this status."""
    def done(records: list[dict]) -> bool:
        return any(item.get("TrangThaiHoSo") == str(code)
                   for _, item in accepted_packets(records, dossier["code"], DOSSIER_SERVICE))
    return done


def fully_synced(dossier: dict) -> callable:
    return lambda records: synced([dossier], records)


# ------------------------------------------------------------------------------ probes

def expiry_probe(nps, driver: ProbeDriver, retry_wait_s: float, sync_delay_s: float) -> tuple[dict, dict | None]:
    """End every session, then register a dossier: the target must authenticate again."""
    dossier = driver.new("phien", "session probe: a dossier registered right after the simulator ended every session")
    expired_after = nps.last_seq()
    expired = nps.expire_sessions()
    expired_at = now()
    probe = {"expired_after_seq": expired_after, "expired_at": iso(expired_at), "ended": expired,
             "dossier": None, "error": None}
    if not driver.submit(dossier):
        probe["error"] = f"nộp hồ sơ thử không được — the probe dossier could not be submitted: {dossier['steps'][-1]['error']}"
        return probe, None
    probe["dossier"] = dossier["code"]
    wait_until(nps, settled(dossier, 1), expired_at + dt.timedelta(seconds=retry_wait_s))
    if driver.withdraw(dossier):  # closes the probe dossier; its packets are judged like any other
        wait_until(nps, fully_synced(dossier), now() + dt.timedelta(seconds=sync_delay_s))
    return probe, dossier


def fault_probe(nps, driver: ProbeDriver, retry_wait_s: float, sync_delay_s: float) -> tuple[dict, dict | None]:
    """Answer the next DongBoHoSoMC with an error, then register and withdraw a dossier: the target
    must resend, in order, and end with the dossier's true status."""
    dossier = driver.new("loi", "fault probe: the first DongBoHoSoMC of this dossier is refused by the simulator")
    dossier["fault_probe"] = True
    fault_after = nps.last_seq()
    nps.fault(DOSSIER_SERVICE, error_code="-1", count=1, message=FAULT_MESSAGE)
    fault_at = now()
    probe = {"fault_set_after_seq": fault_after, "fault_set_at": iso(fault_at), "dossier": None, "true_status": None,
             "error": None}
    try:
        if not driver.submit(dossier):
            probe["error"] = ("nộp hồ sơ thử không được — the probe dossier could not be submitted: "
                              f"{dossier['steps'][-1]['error']}")
            return probe, None
        probe["dossier"] = dossier["code"]
        driver.withdraw(dossier)
        final = final_code(dossier)
        wait_until(nps, settled(dossier, final), fault_at + dt.timedelta(seconds=retry_wait_s + sync_delay_s))
        steps = status_steps(dossier)
        probe["true_status"] = true_code(steps[-1]) if steps else None
    finally:
        if any(f.get("service") == DOSSIER_SERVICE for f in nps.health().get("faults") or []):
            nps.clear_faults()  # not taken (the target sent nothing): leave no fault for other scenarios
    return probe, dossier


def pull_probe(sc, nps, profile, sync_delay_s: float) -> dict:
    """Ask the target to pull a procedure from the national catalogue; read it back from its catalogue."""
    code = profile.test_data.get("procedure_pull_code")
    probe = {"procedure_code": code, "since_seq": nps.last_seq(), "error": None}
    if not code:
        probe["error"] = ("test_data.procedure_pull_code chưa được khai báo trong hồ sơ mục tiêu — set "
                          "test_data.procedure_pull_code to a national code the target does not publish yet")
        return probe
    result = sc.client("admin").call("pull_national_procedure", procedure_code=code)
    probe.update(ok=result.ok, http_status=result.status, answer_error=None if result.ok else result.describe())
    nps.wait_for(kind="packet", service=PULL_SERVICE, since=probe["since_seq"], match=code, timeout=sync_delay_s)
    shown = sc.client(None).call("get_procedure", procedure_code=code)
    probe["shown_ok"] = shown.ok
    probe["shown_error"] = None if shown.ok else shown.describe()
    probe["procedure"] = procedure_summary(shown) if shown.ok else None
    return probe


# ------------------------------------------------------------------------------ the target's catalogue

def _first(data, *names):
    for name in names:
        if isinstance(data, dict) and data.get(name) not in (None, ""):
            return data[name]
    return None


def procedure_summary(result) -> dict:
    """Name and sector of a get_procedure answer: the profile's returns (name, sector_code,
    sector_name) when mapped, else the field names of refportal/API.md and the national packets."""
    data = result.vars.get("procedure") if isinstance(result.vars.get("procedure"), dict) else result.json
    return {"name": result.vars.get("name") or _first(data, "name", "TenTTHC", "ten"),
            "sector_code": result.vars.get("sector_code") or _first(data, "sector_code", "MaLinhVuc", "ma_linh_vuc"),
            "sector_name": result.vars.get("sector_name") or _first(data, "sector_name", "TenLinhVuc", "ten_linh_vuc")}


def published_fees(result) -> list[int] | None:
    """The fee amounts a get_procedure answer publishes: the profile's `fees` return when mapped (a
    list of amounts or of objects with an amount), else `fees[].amount` (refportal/API.md)."""
    fees = result.vars.get("fees")
    if fees is None:
        data = result.vars.get("procedure") if isinstance(result.vars.get("procedure"), dict) else result.json
        fees = data.get("fees") if isinstance(data, dict) else None
    if not isinstance(fees, list):
        return None
    amounts = []
    for fee in fees:
        value = _first(fee, "amount", "Gia", "SoTien", "so_tien") if isinstance(fee, dict) else fee
        text = str(value).replace(".", "").replace(",", "").strip() if value is not None else ""
        if not text.isdigit():
            return None
        amounts.append(int(text))
    return sorted(amounts)


def fees_of(sc, codes: set[str]) -> dict[str, list[int] | None]:
    anonymous = sc.client(None)
    found = {}
    for code in sorted(c for c in codes if c):
        if not anonymous.has("get_procedure"):  # the gap is named by packets.fees (its needs), the rest goes on
            found[code] = None
            continue
        result = anonymous.call("get_procedure", procedure_code=code)
        found[code] = published_fees(result) if result.ok else None
    return found


# ------------------------------------------------------------------------------ files behind the URLs

def result_hashes(sc, dossier: dict) -> list[str]:
    """The result file as the applicant (or, for a counter dossier, an officer) downloads it."""
    if not resolved(dossier):
        return []
    applicant = dossier.get("applicant") or {}
    try:
        if applicant.get("role"):
            client = sc.client(applicant["role"], applicant.get("index") or 0)
        else:
            client = sc.client("receiving_officer")
    except Exception:
        return []
    result = client.call("download_result", dossier_code=dossier["code"])
    return [hashlib.sha256(result.content).hexdigest()] if result.ok and result.content else []


def download_urls(sc, dossiers: list[dict], records: list[dict]) -> list[dict]:
    """Fetch, without logging in (as the national portal would), every file URL of each dossier's
    last accepted DongBoHoSoMC."""
    anonymous = sc.client(None)
    downloads = []
    for dossier in dossiers:
        taken = accepted_packets(records, dossier["code"], DOSSIER_SERVICE)
        if not taken:
            continue
        item = taken[-1][1]
        urls = [e.get("DuongDanTaiTepTin") for e in item.get("TaiLieuNop") or [] if isinstance(e, dict)]
        urls += [e.get("DuongDanTepTinKetQua") for e in item.get("DanhSachGiayToKetQua") or [] if isinstance(e, dict)]
        for url in dict.fromkeys(u for u in urls if isinstance(u, str) and u.startswith(("http://", "https://"))):
            row = {"dossier": dossier["code"], "url": url, "status": None, "sha256": None, "size": None,
                   "content_type": None, "error": None}
            response = anonymous.request("GET", url)
            if response is None:
                row["error"] = "không có phản hồi — no answer"
            else:
                row.update(status=response.status_code, size=len(response.content),
                           content_type=response.headers.get("Content-Type"),
                           sha256=hashlib.sha256(response.content).hexdigest())
            downloads.append(row)
    return downloads


def procedure_codes_in(records: list[dict]) -> set[str]:
    return {item.get("MaTTHC") for record in calls(records, DOSSIER_SERVICE)
            for item in (record.get("request") or {}).get("data") or [] if isinstance(item, dict)}
