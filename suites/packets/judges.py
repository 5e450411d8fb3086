"""Judges of the `packet_log` observations: pure functions that assert (FAIL) or raise
Inconclusive (ERROR). No I/O. The observations are described in suites/packets/README.md.
Every message names the dossier and the packet (`gói #seq service`, the simulator record's seq).

Population rules (suites/README.md): a judge needs a non-empty population. The dossiers judged
are those created in the run (the dossier_life scenario's and this scenario's own probes); the
fault probe's dossier, whose packets are delayed on purpose, is judged by error_handling only
where timing is concerned.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import partial

from harness import judging
from harness.judging import Inconclusive
from harness.measured import Measurements, number
from harness.national import RETURNED, invalid_transitions, status_name
from suites.packets.life import (creation_step, final_code, parse_time, receipt_step, run_dossiers,
                                 status_steps, true_code)
from suites.packets.records import (DOSSIER_SERVICE, LOOKUP_SERVICE, PROGRESS_SERVICE, PULL_SERVICE, STATUS_FIELD,
                                    accepted_packets, arrival, as_code, calls, ceil_second, data_items,
                                    floor_ms, floor_second, is_accepted, label, match_steps, packet_time, packets_of,
                                    progress_steps, request_of)

fail_if = partial(judging.fail_if, more=judging.AND_MORE_SEE_OBSERVATIONS)


# ------------------------------------------------------------------------------ plumbing

def inconclusive(obs: dict, what_vi: str, what_en: str) -> Inconclusive:
    reason = obs.get("dossier_life_error")
    text = f"không có {what_vi} để đánh giá — no {what_en} to judge"
    return Inconclusive(f"{text}; {reason}" if reason else text)


def timed_dossiers(obs: dict) -> list[dict]:
    """Dossiers whose packets must follow their steps within the sync delay (not the fault probe)."""
    return [d for d in run_dossiers(obs) if not d.get("fault_probe")]


def life_dossiers(obs: dict) -> list[dict]:
    """The timed dossiers, provided dossier_life's are among them: the probes alone (registered,
    then withdrawn) do not show a dossier's life, so without dossier_life the check is ERROR."""
    dossiers = timed_dossiers(obs)
    if not any(d.get("origin") == "dossier_life" for d in dossiers):
        raise inconclusive(obs, "hồ sơ nào của kịch bản dossier_life", "dossier of the dossier_life scenario")
    return dossiers


def need(population: list, obs: dict, what_vi: str, what_en: str) -> list:
    if not population:
        raise inconclusive(obs, what_vi, what_en)
    return population


def need_sent(population: list, obs: dict, what_vi: str, what_en: str) -> list:
    """A population of what the target must send: when it is empty although dokiem drove steps that
    change a dossier's status, the target sent nothing it had to (FAIL); when no such step could be
    driven, nothing can be judged (ERROR). Never PASS on nothing."""
    if population:
        return population
    driven = [(d, s) for d in run_dossiers(obs) for s in status_steps(d)]
    if driven:
        dossier, step = driven[0]
        raise AssertionError(
            f"hệ thống không gửi {what_vi} dù dokiem đã thực hiện {len(driven)} bước làm đổi trạng thái hồ sơ "
            f"(đầu tiên: hồ sơ {dossier.get('code')}, {step_text(step)}) — the target sent no {what_en} although "
            f"{len(driven)} status-changing steps were driven")
    raise inconclusive(obs, what_vi, what_en)


def need_synced(obs: dict) -> None:
    """The sync packets (DongBoHoSoMC, CapNhatTienDoHoSoMC) a driven flow must make the target send:
    a check of what packets carry is not judged on other calls alone (a procedure pull, say)."""
    synced = [r for service in (DOSSIER_SERVICE, PROGRESS_SERVICE) for r in calls(records_of(obs), service)]
    need_sent(synced, obs, "gói DongBoHoSoMC hay CapNhatTienDoHoSoMC nào", "DongBoHoSoMC or CapNhatTienDoHoSoMC")


def step_text(step: dict) -> str:
    return f"bước '{step.get('step')}' lúc {step.get('started')}"


def records_of(obs: dict) -> list[dict]:
    return obs.get("records") or []


# ------------------------------------------------------------------------------ dossier_synced

def dossier_synced(obs: dict) -> None:
    dossiers = life_dossiers(obs)
    records, problems = records_of(obs), []
    for dossier in dossiers:
        code = dossier["code"]
        packets = packets_of(records, code, DOSSIER_SERVICE)
        if not any(is_accepted(r) for r, _ in packets):
            problems.append(f"hồ sơ {code}: Cổng DVC quốc gia không nhận được gói DongBoHoSoMC nào "
                            f"({len(packets)} lần gửi bị từ chối hoặc không có) — no DongBoHoSoMC of this dossier "
                            "was accepted by the national portal")
            continue
        for step, match in match_steps(status_steps(dossier), packets, DOSSIER_SERVICE):
            if match is None:
                problems.append(f"hồ sơ {code}, {step_text(step)}: không có DongBoHoSoMC với TrangThaiHoSo "
                                f"\"{step['expected_code']}\" — the change to {status_name(step['expected_code'])} "
                                "was never pushed")
        last_record, last_item = [p for p in packets if is_accepted(p[0])][-1]
        final = final_code(dossier)
        if final is not None and last_item.get("TrangThaiHoSo") != str(final):
            problems.append(f"hồ sơ {code}: gói cuối ({label(last_record)}) có TrangThaiHoSo "
                            f"{last_item.get('TrangThaiHoSo')!r}, trạng thái cuối của hồ sơ là {final} — the last "
                            f"packet says {last_item.get('TrangThaiHoSo')!r}, the dossier ended in {status_name(final)}")
    fail_if(problems, "Hồ sơ chưa được đồng bộ đầy đủ lên Cổng DVC quốc gia",
            "Dossiers not fully synced to the national portal")


# ------------------------------------------------------------------------------ progress_synced

PROGRESS_DETAILS = ("NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy")


def progress_synced(obs: dict) -> None:
    dossiers = timed_dossiers(obs)
    steps = [(d, s) for d in dossiers for s in progress_steps(d)]
    need(steps, obs, "bước xử lý nào của cán bộ", "processing step by an officer")
    records, problems = records_of(obs), []
    for dossier in dossiers:
        code = dossier["code"]
        packets = packets_of(records, code, PROGRESS_SERVICE)
        for step, match in match_steps(progress_steps(dossier), packets, PROGRESS_SERVICE):
            if match is None:
                problems.append(f"hồ sơ {code}, {step_text(step)}: không có CapNhatTienDoHoSoMC với TrangThai "
                                f"\"{step['expected_code']}\" — the step was never pushed as progress")
                continue
            record, item = match
            empty = [f for f in PROGRESS_DETAILS if not str(item.get(f) or "").strip()]
            if empty:
                problems.append(f"hồ sơ {code}, {step_text(step)}, {label(record)}: thiếu {', '.join(empty)} — "
                                "the progress item does not name the handler, time or action")
    fail_if(problems, "Tiến độ xử lý chưa được cập nhật lên Cổng DVC quốc gia",
            "Processing steps not pushed to the national portal")


# ------------------------------------------------------------------------------ order

def order(obs: dict) -> None:
    records = records_of(obs)
    dossiers = [d for d in life_dossiers(obs) if accepted_packets(records, d["code"], DOSSIER_SERVICE)]
    need_sent(dossiers, obs, "hồ sơ nào có gói tin được nhận", "dossier with accepted packets")
    problems = []
    for dossier in dossiers:
        code = dossier["code"]
        for service in (DOSSIER_SERVICE, PROGRESS_SERVICE):
            field = STATUS_FIELD[service]
            taken = accepted_packets(records, code, service)
            # a resend of the same status is no transition: invalid_transitions skips repeats itself
            codes = [as_code(item.get(field)) for _, item in taken if as_code(item.get(field))]
            for before, after in invalid_transitions(codes):
                problems.append(f"hồ sơ {code}, {service}: {field} chuyển {before} → {after}, không phải chuyển "
                                f"đổi hợp lệ — {status_name(before)} → {status_name(after)} is not an allowed transition")
            steps = status_steps(dossier) if service == DOSSIER_SERVICE else progress_steps(dossier)
            matched = [(step, m) for step, m in match_steps(steps, packets_of(records, code, service), service) if m]
            for (step_a, (rec_a, _)), (step_b, (rec_b, _)) in zip(matched, matched[1:]):
                if rec_b["seq"] < rec_a["seq"]:
                    problems.append(f"hồ sơ {code}, {service}: gói của {step_text(step_b)} ({label(rec_b)}) đến "
                                    f"trước gói của {step_text(step_a)} ({label(rec_a)}) — packets arrived out of "
                                    "step order")
        times = [(r, packet_time(i.get("ThoiDiemXuLy"))) for r, i in accepted_packets(records, code, PROGRESS_SERVICE)]
        times = [(r, t) for r, t in times if t is not None]
        for (rec_a, t_a), (rec_b, t_b) in zip(times, times[1:]):
            if t_b < t_a:
                problems.append(f"hồ sơ {code}: {label(rec_b)} có ThoiDiemXuLy {t_b:%Y%m%d%H%M%S} trước "
                                f"{label(rec_a)} ({t_a:%Y%m%d%H%M%S}) — progress arrived out of event order")
    fail_if(problems, "Gói tin không theo thứ tự sự kiện", "Packets not in event order")


# ------------------------------------------------------------------------------ delay

def delay(obs: dict, sync_delay_s: float, measured: Measurements) -> None:
    records, pairs = records_of(obs), []
    for dossier in life_dossiers(obs):
        code = dossier["code"]
        pairs += [(code, DOSSIER_SERVICE, s, m) for s, m in
                  match_steps(status_steps(dossier), packets_of(records, code, DOSSIER_SERVICE), DOSSIER_SERVICE)]
        pairs += [(code, PROGRESS_SERVICE, s, m) for s, m in
                  match_steps(progress_steps(dossier), packets_of(records, code, PROGRESS_SERVICE), PROGRESS_SERVICE)]
    need(pairs, obs, "bước nào làm đổi trạng thái hồ sơ", "status-changing step")
    problems, delays, untimed = [], [], []
    for code, service, step, match in pairs:
        if match is None:
            problems.append(f"hồ sơ {code}, {step_text(step)}: không có {service} trong {sync_delay_s:g} s — "
                            f"no {service} arrived within {sync_delay_s:g} s")
            continue
        finished, arrived = parse_time(step.get("finished")), arrival(match[0])
        if finished is None or arrived is None:
            untimed.append(f"hồ sơ {code}, {step_text(step)}")
            continue
        delay = (arrived - finished).total_seconds()
        delays.append(delay)
        if delay > sync_delay_s:
            problems.append(f"hồ sơ {code}, {step_text(step)}: {label(match[0])} đến sau {delay:.1f} s, quá "
                            f"{sync_delay_s:g} s — arrived {delay:.1f} s after the step, over {sync_delay_s:g} s")
    if delays:
        worst = max(delays)
        measured.note(f"độ trễ lớn nhất {number(worst, 1)} s {'≤' if worst <= sync_delay_s else '>'} "
                      f"{number(sync_delay_s, 1)} s ({len(delays)} gói tin)", worst <= sync_delay_s,
                      worst, sync_delay_s, "s")
    fail_if(problems, "Độ trễ đồng bộ vượt quá quy định", "Sync delay over the edition's limit")
    if untimed:  # a delay that could not be measured is no delay within the limit
        raise Inconclusive(f"không đo được độ trễ của {len(untimed)} bước (thiếu thời điểm kết thúc bước hoặc thời "
                           f"điểm gói tin đến) — the delay of {len(untimed)} step(s) could not be measured: "
                           + "; ".join(untimed[:5]))


# ------------------------------------------------------------------------------ mandatory_fields

def mandatory_fields(obs: dict) -> None:
    required = obs.get("required_fields") or {}
    if not required.get(DOSSIER_SERVICE) or not required.get(PROGRESS_SERVICE):
        raise Inconclusive("không đọc được danh sách trường bắt buộc từ lược đồ gói tin của phiên bản — "
                           "the edition's packet schemas gave no mandatory fields")
    items = [(record, item) for service in (DOSSIER_SERVICE, PROGRESS_SERVICE)
             for record in calls(records_of(obs), service) for item in data_items(record)]
    need_sent(items, obs, "gói DongBoHoSoMC hay CapNhatTienDoHoSoMC nào", "DongBoHoSoMC or CapNhatTienDoHoSoMC item")
    problems = []
    for record, item in items:
        missing = [f for f in required[record["service"]]
                   if not isinstance(item.get(f), str) or not item.get(f).strip()]
        if missing:
            problems.append(f"{label(record)}, hồ sơ {item.get('MaHoSo') or '?'}: thiếu hoặc rỗng "
                            f"{', '.join(missing)} — missing or empty mandatory field(s)")
    fail_if(problems, "Gói tin thiếu trường bắt buộc", "Packets miss mandatory fields")


# ------------------------------------------------------------------------------ codes

def _matches(pattern: str, value) -> bool:
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


def codes(obs: dict, dossier_pattern: str, procedure_pattern: str, agency_pattern: str) -> None:
    records = calls(records_of(obs))
    need_synced(obs)
    catalogue = obs.get("national_catalogue") or {}
    problems, unknown = [], set()

    def check(record, what: str, value, pattern: str) -> None:
        if not _matches(pattern, value):
            problems.append(f"{label(record)}: {what} = {value!r} không khớp mẫu {pattern} — does not match the pattern")

    for record in records:
        request = request_of(record)
        check(record, "madonvi", request.get("madonvi"), agency_pattern)
        if record.get("service") == LOOKUP_SERVICE:
            check(record, "mahoso", request.get("mahoso"), dossier_pattern)
        if record.get("service") == PULL_SERVICE:
            check(record, "maTTHC", request.get("maTTHC"), procedure_pattern)
        for item in data_items(record):
            check(record, "MaHoSo", item.get("MaHoSo"), dossier_pattern)
            if record.get("service") != DOSSIER_SERVICE:
                continue
            procedure = item.get("MaTTHC")
            check(record, "MaTTHC", procedure, procedure_pattern)
            if not _matches(procedure_pattern, procedure):
                continue
            national = catalogue.get(procedure)
            if national is None:
                unknown.add(procedure)
            elif item.get("MaLinhVuc") not in national.get("sectors", []):
                problems.append(f"{label(record)}, hồ sơ {item.get('MaHoSo')}: MaLinhVuc {item.get('MaLinhVuc')!r} "
                                f"không phải lĩnh vực của thủ tục {procedure} trong CSDL quốc gia "
                                f"({', '.join(national.get('sectors', []))}) — not the procedure's national sector")
    fail_if(problems, "Mã trong gói tin không đúng chuẩn", "Non-standard codes in packets")
    if unknown:
        raise Inconclusive(f"danh mục TTHC quốc gia của bộ mô phỏng không có thủ tục {', '.join(sorted(unknown))}: "
                           "không kiểm được MaLinhVuc — the simulator's national catalogue does not hold these "
                           "procedures, so their sector cannot be checked (give the simulator the national catalogue)")


# ------------------------------------------------------------------------------ status_codes

def status_codes(obs: dict) -> None:
    records = records_of(obs)
    items = [(record, item) for service in (DOSSIER_SERVICE, PROGRESS_SERVICE)
             for record in calls(records, service) for item in data_items(record)]
    need_sent(items, obs, "gói DongBoHoSoMC hay CapNhatTienDoHoSoMC nào", "DongBoHoSoMC or CapNhatTienDoHoSoMC item")
    problems = []
    for record, item in items:
        field = STATUS_FIELD[record["service"]]
        if as_code(item.get(field)) is None:
            problems.append(f"{label(record)}, hồ sơ {item.get('MaHoSo') or '?'}: {field} = {item.get(field)!r} không "
                            "thuộc danh mục mã \"1\"–\"10\" — not a national status code")
    for dossier in run_dossiers(obs):
        steps = status_steps(dossier)
        for service in (DOSSIER_SERVICE, PROGRESS_SERVICE):
            field = STATUS_FIELD[service]
            for record, item in accepted_packets(records, dossier["code"], service):
                value = as_code(item.get(field))
                arrived = arrival(record)
                if value is None or arrived is None:
                    continue
                held = {true_code(s) for s in steps
                        if parse_time(s.get("started")) and floor_ms(parse_time(s["started"])) <= arrived}
                if value not in held:
                    shown = ", ".join(str(c) for c in sorted(c for c in held if c is not None)) or "—"
                    problems.append(f"{label(record)}, hồ sơ {dossier['code']}: {field} \"{value}\" không phải trạng "
                                    f"thái hồ sơ có trong Hệ thống MCĐT đến lúc gửi ({shown}) — the back office never "
                                    f"showed {status_name(value)} for this dossier before the packet")
    fail_if(problems, "Mã trạng thái trong gói tin không đúng", "Wrong status codes in packets")


# ------------------------------------------------------------------------------ date_format

def date_format(obs: dict, sync_delay_s: float) -> None:
    date_fields = set(obs.get("date_fields") or [])
    if not date_fields:
        raise Inconclusive("không đọc được các trường ngày giờ từ lược đồ gói tin — the packet schemas named no "
                           "date fields")
    records = records_of(obs)
    items = [(record, item) for service in (DOSSIER_SERVICE, PROGRESS_SERVICE)
             for record in calls(records, service) for item in data_items(record)]
    need_sent(items, obs, "gói DongBoHoSoMC hay CapNhatTienDoHoSoMC nào", "DongBoHoSoMC or CapNhatTienDoHoSoMC item")
    problems = []

    def walk(record, node, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                where = f"{path}.{key}"
                if key in date_fields and not (isinstance(value, str) and value == ""):
                    if packet_time(value) is None:
                        problems.append(f"{label(record)}: {where} = {value!r} không phải ngày giờ yyyyMMddHHmmss "
                                        "hợp lệ — not a valid yyyyMMddHHmmss date")
                else:
                    walk(record, value, where)
        elif isinstance(node, list):
            for n, value in enumerate(node):
                walk(record, value, f"{path}[{n}]")

    for record, item in items:
        walk(record, item, f"hồ sơ {item.get('MaHoSo') or '?'}")
        received, due = packet_time(item.get("NgayTiepNhan")), packet_time(item.get("NgayHenTra"))
        if received and due and due < received:
            problems.append(f"{label(record)}, hồ sơ {item.get('MaHoSo')}: NgayHenTra {item['NgayHenTra']} trước "
                            f"NgayTiepNhan {item['NgayTiepNhan']} — the due date is before the receipt date")

    delay = dt.timedelta(seconds=sync_delay_s)

    def within(record, dossier_code: str, field: str, value: str, step: dict) -> None:
        event, started, finished = packet_time(value), parse_time(step.get("started")), parse_time(step.get("finished"))
        arrived = arrival(record)
        if None in (event, started, finished, arrived):
            return
        low, high = floor_second(started), min(ceil_second(arrived), ceil_second(finished + delay))
        if not low <= event <= high:
            problems.append(f"{label(record)}, hồ sơ {dossier_code}: {field} {value} (giờ Việt Nam) không nằm giữa "
                            f"{step_text(step)} và lúc gói tin đến ({record.get('time')}) — the event time, read as "
                            "Asia/Ho_Chi_Minh time, is not between the step and its packet")

    for dossier in timed_dossiers(obs):
        code = dossier["code"]
        for step, match in match_steps(status_steps(dossier), packets_of(records, code, DOSSIER_SERVICE),
                                       DOSSIER_SERVICE):
            reference = receipt_step(dossier, upto=step) or creation_step(dossier)
            if match and reference and isinstance(match[1].get("NgayTiepNhan"), str):
                within(match[0], code, "NgayTiepNhan", match[1]["NgayTiepNhan"], reference)
            # the packet that reports the return reports when: NgayTra is empty until then (hence
            # optional in the field table), and then it is the fact the status stands for
            if match and step.get("expected_code") == RETURNED:
                returned = match[1].get("NgayTra")
                if isinstance(returned, str) and returned:
                    within(match[0], code, "NgayTra", returned, step)
                else:
                    problems.append(f"{label(match[0])}, hồ sơ {code}: gói báo đã trả kết quả (TrangThaiHoSo "
                                    f"{RETURNED}) không ghi NgayTra — the packet reporting the return gives no return date")
        for step, match in match_steps(progress_steps(dossier), packets_of(records, code, PROGRESS_SERVICE),
                                       PROGRESS_SERVICE):
            if match and isinstance(match[1].get("ThoiDiemXuLy"), str):
                within(match[0], code, "ThoiDiemXuLy", match[1]["ThoiDiemXuLy"], step)
    fail_if(problems, "Ngày giờ trong gói tin sai định dạng hoặc sai thời điểm", "Wrong dates in packets")
