"""Judges of the `packet_log` checks on the protocol around the dossier packets
(harness/nps/PROTOCOL.md §1): the packet schema, the session and its renewal, error handling and
resending, the lookups and procedure pulls the target makes, attachments sent by URL and fees.
Pure functions; the observations are described in suites/packets/README.md.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata

from harness.judging import Inconclusive
from harness.national import invalid_transitions, status_name
from suites.packets.judges import fail_if, inconclusive, need, need_sent, need_synced, records_of
from suites.packets.life import parse_time, resolved, run_dossiers
from suites.packets.records import (DOSSIER_SERVICE, LOOKUP_SERVICE, PROGRESS_SERVICE, PULL_SERVICE, STATUS_FIELD,
                                    accepted_packets, arrival, as_code, auth_calls, calls, is_accepted, label,
                                    packets_of, request_of)


def schema(obs: dict) -> None:
    records = calls(records_of(obs))
    need_synced(obs)
    problems = []
    for record in records:
        for problem in record.get("validation") or []:
            where = problem.get("path") or "$"
            kind = problem.get("kind")
            problems.append(f"{label(record)} {where} [{kind}{'/' + problem['rule'] if problem.get('rule') else ''}]: "
                            f"{problem.get('message')}")
    fail_if(problems, "Gói tin không hợp lệ theo lược đồ JSON của phiên bản hoặc không ở dạng NFC",
            "Packets not valid against the edition's JSON Schemas or not in Unicode NFC")


SESSION_INVALID = "-2"


def session(obs: dict, retry_wait_s: float) -> None:
    records = records_of(obs)
    packets = calls(records)
    need_sent(packets, obs, "gói tin nào gửi Cổng DVC quốc gia", "call to the national portal")
    issued: dict[str, int] = {}  # session token -> seq of the accepted authentication that issued it
    for record in auth_calls(records):
        response = record.get("response") if isinstance(record.get("response"), dict) else {}
        if str(response.get("error_code")) == "0" and response.get("session"):
            issued[response["session"]] = record["seq"]
    problems = []
    for record in packets:
        request = request_of(record)
        if not isinstance(request.get("madonvi"), str) or not request["madonvi"].strip():
            problems.append(f"{label(record)}: thiếu madonvi — no madonvi in the envelope")
        if not isinstance(request.get("session"), str) or not request["session"]:
            problems.append(f"{label(record)}: thiếu session — no session in the envelope")
    accepted = [r for r in packets if is_accepted(r)]
    if accepted and min(issued.values(), default=accepted[0]["seq"] + 1) > accepted[0]["seq"]:
        problems.append(f"{label(accepted[0])} được nhận trước khi hệ thống lấy phiên tại /dvcqg/auth — the first "
                        "accepted call came before any session was obtained from the auth endpoint")
    # a session the simulator reports invalid (-2) must be followed by a new authentication
    for record in packets:
        response = record.get("response") if isinstance(record.get("response"), dict) else {}
        if str(response.get("error_code")) == SESSION_INVALID and not any(seq > record["seq"] for seq in issued.values()):
            problems.append(f"{label(record)} bị từ chối vì phiên không hợp lệ, sau đó hệ thống không lấy phiên mới — "
                            "after the simulator reported the session invalid the target never authenticated again")
    probe = obs.get("expiry_probe") or {}
    if probe.get("error") or probe.get("expired_after_seq") is None:
        fail_if(problems, "Phiên kết nối với Cổng DVC quốc gia không đúng", "Session handling is wrong")
        raise Inconclusive("không thử được việc hết phiên — the session-expiry probe did not run: "
                           f"{probe.get('error') or 'no probe'}")
    expired_after, expired_at = probe["expired_after_seq"], parse_time(probe.get("expired_at"))
    fresh = {token for token, seq in issued.items() if seq > expired_after}
    taken = [r for r in accepted if r["seq"] > expired_after and request_of(r).get("session") in fresh]
    in_time = [r for r in taken if expired_at is None or arrival(r) is None
               or (arrival(r) - expired_at).total_seconds() <= retry_wait_s]
    if not fresh:
        problems.append(f"sau khi mọi phiên hết hạn (sau bản ghi #{expired_after}) hệ thống không lấy phiên mới — after "
                        "the simulator ended every session the target never authenticated again")
    elif not in_time:
        problems.append(f"sau khi mọi phiên hết hạn, không có lời gọi nào với phiên mới được nhận trong {retry_wait_s:g} s "
                        f"— no call with a new session was accepted within {retry_wait_s:g} s of the expiry")
    fail_if(problems, "Phiên kết nối với Cổng DVC quốc gia không đúng", "Session handling is wrong")


def error_handling(obs: dict, retry_wait_s: float) -> None:
    probe = obs.get("fault_probe") or {}
    if probe.get("error") or not probe.get("dossier"):
        raise Inconclusive("không thử được việc Cổng DVC quốc gia trả lỗi — the fault probe did not run: "
                           f"{probe.get('error') or 'no probe'}")
    code, records = probe["dossier"], records_of(obs)
    after = [(r, i) for r, i in packets_of(records, code, DOSSIER_SERVICE) if r["seq"] > probe["fault_set_after_seq"]]
    faulted = [r for r, _ in after if r.get("fault") and not is_accepted(r)]
    if not after:  # the probe dossier was registered (the flow was driven): the target sent nothing of it
        raise AssertionError(f"hồ sơ thử {code} đã được nộp nhưng hệ thống không gửi gói DongBoHoSoMC nào của nó — the "
                             "probe dossier was registered, the target sent no DongBoHoSoMC of it at all")
    if not faulted:
        raise Inconclusive(f"lỗi mô phỏng không rơi vào gói nào của hồ sơ thử {code} (một lời gọi khác đã nhận lỗi) — "
                           "the injected error reached no packet of the probe dossier")
    first_error = faulted[0]
    refused_status = next((i.get("TrangThaiHoSo") for r, i in after if r is first_error), None)
    problems = []
    later = [(r, i) for r, i in after if r["seq"] > first_error["seq"] and is_accepted(r)]
    # resent = the refused step itself delivered again, before any later step of the dossier
    # (a packet of the next step going through does not deliver the refused one)
    resent = later[:1] if later and later[0][1].get("TrangThaiHoSo") == refused_status else []
    if not later:
        problems.append(f"hồ sơ {code}: sau lỗi ở {label(first_error)} gói tin không được gửi lại — the refused packet "
                        f"was never resent (waited {retry_wait_s:g} s)")
    elif not resent:
        problems.append(f"hồ sơ {code}: gói bị từ chối ở {label(first_error)} (TrangThaiHoSo {refused_status!r}) không "
                        f"được gửi lại; gói được nhận tiếp theo là {label(later[0][0])} với TrangThaiHoSo "
                        f"{later[0][1].get('TrangThaiHoSo')!r} — the refused packet was dropped: the next accepted one "
                        "is a later step")
    else:
        waited = (arrival(resent[0][0]) - arrival(first_error)).total_seconds()
        if waited > retry_wait_s:
            problems.append(f"hồ sơ {code}: gửi lại sau {waited:.1f} s, quá {retry_wait_s:g} s — resent after "
                            f"{waited:.1f} s, over the retry wait")
    for service in (DOSSIER_SERVICE, PROGRESS_SERVICE):
        field = STATUS_FIELD[service]
        codes = [as_code(i.get(field)) for r, i in accepted_packets(records, code, service) if as_code(i.get(field))]
        for before, later in invalid_transitions(codes):
            problems.append(f"hồ sơ {code}, {service}: sau khi gửi lại, {field} chuyển {before} → {later} — "
                            "packets resent out of order")
    true_status = probe.get("true_status")
    taken = accepted_packets(records, code, DOSSIER_SERVICE)
    if taken and true_status is not None and taken[-1][1].get("TrangThaiHoSo") != str(true_status):
        problems.append(f"hồ sơ {code}: trạng thái cuối cùng Cổng DVC quốc gia nhận là "
                        f"{taken[-1][1].get('TrangThaiHoSo')!r}, trạng thái thật là {true_status} — the national "
                        f"portal ends with the wrong status (true: {status_name(true_status)})")
    fail_if(problems, "Hệ thống không xử lý đúng lỗi từ Cổng DVC quốc gia", "Errors from the national portal mishandled")


def is_updating(obs: dict) -> None:
    records = records_of(obs)
    dossiers = [d for d in run_dossiers(obs) if packets_of(records, d["code"], DOSSIER_SERVICE)]
    need_sent(dossiers, obs, "hồ sơ nào có gói DongBoHoSoMC", "dossier with a DongBoHoSoMC")
    problems = []
    for dossier in dossiers:
        accepted_yet = False
        for record, _ in packets_of(records, dossier["code"], DOSSIER_SERVICE):
            value = request_of(record).get("isUpdating")
            wanted = "True" if accepted_yet else "False"
            if value != wanted:
                problems.append(f"hồ sơ {dossier['code']}, {label(record)}: isUpdating {value!r}, phải là "
                                f"\"{wanted}\" — {'a dossier the portal already holds' if accepted_yet else 'the first sync'}"
                                f" must carry \"{wanted}\"")
            accepted_yet = accepted_yet or is_accepted(record)
    fail_if(problems, "Cờ isUpdating không đúng", "Wrong isUpdating flags")


def lookup(obs: dict) -> None:
    records = records_of(obs)
    codes = {d["code"] for d in run_dossiers(obs) if packets_of(records, d["code"], DOSSIER_SERVICE)}
    need_sent(sorted(codes), obs, "hồ sơ nào được đồng bộ", "synced dossier")
    lookups = [r for r in calls(records, LOOKUP_SERVICE) if request_of(r).get("mahoso") in codes]
    if not lookups:
        raise AssertionError(f"Hệ thống không gọi TraCuuHoSo cho hồ sơ nào trong {len(codes)} hồ sơ đã đồng bộ — "
                             "the target never looked up one of its dossiers (TraCuuHoSo) on the national portal")
    problems = []
    for lookup in lookups:
        if not is_accepted(lookup):
            continue
        code = request_of(lookup)["mahoso"]
        result = (lookup.get("response") or {}).get("result")
        known = bool(result)
        following = [r for r, _ in packets_of(records, code, DOSSIER_SERVICE) if r["seq"] > lookup["seq"]]
        if not following:
            continue
        value = request_of(following[0]).get("isUpdating")
        wanted = "True" if known else "False"
        if value != wanted:
            problems.append(f"hồ sơ {code}: TraCuuHoSo ({label(lookup)}) trả về {'có' if known else 'không có'} hồ sơ, "
                            f"nhưng {label(following[0])} gửi isUpdating {value!r} — the lookup said the portal "
                            f"{'holds' if known else 'does not hold'} the dossier, the next sync sent {value!r}")
    fail_if(problems, "Kết quả TraCuuHoSo không được dùng", "The TraCuuHoSo answer is not used")


URL = re.compile(r"^https?://\S+$")


INLINE_MIN_CHARS = 16  # shorter strings cannot hold a file worth finding


def _inline_paths(node, known: set[str], path: str = "") -> list[str]:
    """Where a packet item carries file content itself: a data: URI, or base64 of a file of the dossier."""
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in _inline_paths(value, known, f"{path}.{key}" if path else key)]
    if isinstance(node, list):
        return [p for n, value in enumerate(node) for p in _inline_paths(value, known, f"{path}[{n}]")]
    if not isinstance(node, str) or len(node) < INLINE_MIN_CHARS:
        return []
    if node.startswith("data:"):
        return [path]
    try:
        decoded = base64.b64decode("".join(node.split()), validate=True)
    except (binascii.Error, ValueError):
        return []
    return [path] if hashlib.sha256(decoded).hexdigest() in known else []


def attachments_by_url(obs: dict) -> None:
    need_synced(obs)
    records, downloads = records_of(obs), obs.get("downloads") or []
    dossiers = run_dossiers(obs)
    need(dossiers, obs, "hồ sơ nào tạo trong lượt chạy", "dossier created in the run")
    fetched = {(d["dossier"], d["url"]): d for d in downloads}
    problems, judged, undecided = [], 0, []
    for dossier in dossiers:
        code = dossier["code"]
        taken = accepted_packets(records, code, DOSSIER_SERVICE)
        if not taken:
            continue  # dossier_synced reports it
        record, item = taken[-1]
        known = set(dossier.get("known_sha256") or [])
        for where in _inline_paths(item, known | set(dossier.get("result_sha256") or [])):
            problems.append(f"hồ sơ {code}, {label(record)}: nội dung tệp nằm ngay trong gói tin ({where}) — file "
                            "content inline in the packet instead of a download URL")
        entries = [("TaiLieuNop", "DuongDanTaiTepTin", e) for e in item.get("TaiLieuNop") or [] if isinstance(e, dict)]
        entries += [("DanhSachGiayToKetQua", "DuongDanTepTinKetQua", e)
                    for e in item.get("DanhSachGiayToKetQua") or [] if isinstance(e, dict)]
        if dossier.get("files") and not any(e[0] == "TaiLieuNop" for e in entries):
            problems.append(f"hồ sơ {code}, {label(record)}: có {len(dossier['files'])} tệp nhưng không có TaiLieuNop "
                            "— the dossier's files are not listed in TaiLieuNop")
        if resolved(dossier) and not any(e[0] == "DanhSachGiayToKetQua" for e in entries):
            problems.append(f"hồ sơ {code}, {label(record)}: đã có kết quả nhưng không có DanhSachGiayToKetQua — "
                            "the result is not listed in DanhSachGiayToKetQua")
        for list_name, field, entry in entries:
            url = entry.get(field)
            name = f"hồ sơ {code}, {label(record)}, {list_name}.{field}"
            if not isinstance(url, str) or not URL.match(url):
                shown = (url[:60] + "…") if isinstance(url, str) and len(url) > 60 else url
                problems.append(f"{name} = {shown!r} không phải đường dẫn tải tệp http(s) — not a download URL")
                continue
            judged += 1
            download = fetched.get((code, url))
            if download is None or download.get("error"):
                problems.append(f"{name}: không tải được {url} ({(download or {}).get('error') or 'chưa tải'}) — "
                                "the URL could not be fetched")
                continue
            if download.get("status") != 200:
                problems.append(f"{name}: {url} trả về HTTP {download.get('status')} — the URL does not answer 200")
                continue
            expected = (set(dossier.get("result_sha256") or []) if list_name == "DanhSachGiayToKetQua" else known)
            if not expected:
                undecided.append(f"{name}: không biết tệp gốc để so sánh — the dossier's own file is unknown")
            elif download.get("sha256") not in expected:
                problems.append(f"{name}: tệp tải về (SHA-256 {str(download.get('sha256'))[:12]}…) khác tệp hồ sơ đang "
                                "lưu — the URL serves a different file than the dossier holds")
    fail_if(problems, "Tệp đính kèm không được truyền đúng bằng đường dẫn", "Attachments not passed by URL")
    if not judged:
        raise inconclusive(obs, "đường dẫn tệp nào trong gói tin", "file URL in the packets")
    if not any(resolved(d) for d in dossiers):
        raise inconclusive(obs, "hồ sơ nào có kết quả (DanhSachGiayToKetQua)", "dossier with a result")
    if undecided:
        raise Inconclusive("; ".join(undecided[:5]))


FEE_FIELDS = ("TenPhiLePhi", "MaPhiLePhi", "Gia", "HinhThucThu")


def _amount(value) -> int | None:
    text = str(value).strip().replace(".", "").replace(",", "") if value is not None else ""
    return int(text) if text.isdigit() else None


def fees(obs: dict) -> None:
    need_synced(obs)
    published = obs.get("published_fees") or {}
    records = records_of(obs)
    dossiers = [d for d in run_dossiers(obs) if published.get(d.get("procedure_code"))]
    if not dossiers:
        unknown = [d["code"] for d in run_dossiers(obs) if published.get(d.get("procedure_code"), []) is None]
        if unknown:
            raise Inconclusive("không đọc được phí, lệ phí công bố của thủ tục — the procedure's published fees could "
                               f"not be read (get_procedure), dossiers {', '.join(unknown)}")
        raise inconclusive(obs, "hồ sơ nào của thủ tục có phí, lệ phí", "dossier of a fee-bearing procedure")
    problems, judged = [], []
    for dossier in dossiers:
        code, wanted = dossier["code"], sorted(published[dossier["procedure_code"]])
        taken = accepted_packets(records, code, DOSSIER_SERVICE)
        if not taken:
            continue  # dossier_synced reports it
        judged.append(code)
        record, item = taken[-1]
        fees = item.get("DanhSachLePhi")
        if not isinstance(fees, list) or not fees:
            problems.append(f"hồ sơ {code}, {label(record)}: không có DanhSachLePhi, thủ tục công bố phí "
                            f"{wanted} — no fees in the packet, the procedure publishes {wanted}")
            continue
        for n, fee in enumerate(fees):
            empty = [f for f in FEE_FIELDS if not isinstance(fee, dict) or not str(fee.get(f) or "").strip()]
            if empty:
                problems.append(f"hồ sơ {code}, {label(record)}: DanhSachLePhi[{n}] thiếu {', '.join(empty)} — "
                                "a fee lacks its name, code, amount or collection form")
        amounts = sorted(a for a in (_amount(f.get("Gia")) for f in fees if isinstance(f, dict)) if a is not None)
        if amounts != wanted:
            problems.append(f"hồ sơ {code}, {label(record)}: số tiền {amounts} khác phí công bố {wanted} — the amounts "
                            "differ from the procedure's published fees")
    fail_if(problems, "Thông tin phí, lệ phí trong gói tin không đúng", "Wrong fee data in packets")
    need_sent(judged, obs, "gói DongBoHoSoMC được nhận nào của hồ sơ có phí, lệ phí",
              "accepted DongBoHoSoMC of a fee-bearing dossier")  # never PASS on no packet


def _same_text(a, b) -> bool:
    def norm(value) -> str:
        return " ".join(unicodedata.normalize("NFC", str(value or "")).split())

    return bool(norm(a)) and norm(a) == norm(b)


def procedure_pull(obs: dict) -> None:
    probe = obs.get("pull_probe") or {}
    code = probe.get("procedure_code")
    if not code:
        raise Inconclusive(f"không thử được việc lấy thủ tục — the pull probe did not run: {probe.get('error') or 'no probe'}")
    pulls = [r for r in calls(records_of(obs), PULL_SERVICE)
             if r["seq"] > probe.get("since_seq", 0) and request_of(r).get("maTTHC") == code]
    if not pulls:
        raise AssertionError(f"Được yêu cầu lấy thủ tục {code}, hệ thống không gọi LayThuTuc với mã đó "
                             f"(thao tác trả về {probe.get('http_status')}) — asked to pull {code}, the target never "
                             "called LayThuTuc with that code")
    answered = [r for r in pulls if is_accepted(r) and (r.get("response") or {}).get("result")]
    if not answered:
        raise Inconclusive(f"Cổng DVC quốc gia mô phỏng không có thủ tục {code} — the simulated national catalogue "
                           "does not hold test_data.procedure_pull_code; choose a code it holds")
    national = answered[-1]["response"]["result"][0]
    sectors = [s for s in national.get("LINHVUCTHUCHIEN") or [] if isinstance(s, dict)]
    shown = probe.get("procedure") or {}
    problems = []
    if not probe.get("shown_ok"):
        problems.append(f"sau khi lấy, danh mục của hệ thống không có thủ tục {code} "
                        f"({probe.get('shown_error') or 'không đọc được'}) — the catalogue does not show the procedure")
    else:
        if not _same_text(shown.get("name"), national.get("TENTTHC")):
            problems.append(f"tên thủ tục {shown.get('name')!r} khác tên trong CSDL quốc gia "
                            f"{national.get('TENTTHC')!r} — the name differs from the national record")
        if not any(_same_text(shown.get("sector_code"), s.get("MALINHVUC"))
                   or _same_text(shown.get("sector_name"), s.get("TENLINHVUC")) for s in sectors):
            problems.append(f"lĩnh vực {shown.get('sector_code')!r} / {shown.get('sector_name')!r} khác lĩnh vực trong "
                            f"CSDL quốc gia {[s.get('MALINHVUC') for s in sectors]} — the sector differs from the "
                            "national record")
    fail_if(problems, f"Thủ tục {code} không được lấy đúng từ CSDL TTHC quốc gia",
            f"Procedure {code} not pulled correctly from the national catalogue")
