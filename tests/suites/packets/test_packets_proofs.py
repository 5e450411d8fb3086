"""Negative proofs of the packet checks: each judge passes on the observations recorded from a
clean refportal run (recorded/packet_log.json, made by `python -m tests.suites.record packet_log`) and
fails on the same observations with one fault in them — the faults refportal's defects produce.
"""
from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from harness import Inconclusive
from harness.nps.validation import PacketValidator
from harness.measured import Measurements
from suites.packets import judges, judges_protocol

RECORDED = Path(__file__).parent / "recorded" / "packet_log.json"
PACKETS_DIR = Path(__file__).resolve().parents[3] / "criteria" / "cv255-2018" / "packets"
SYNC_DELAY, RETRY_WAIT = 60.0, 120.0
DOSSIER_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"
PROCEDURE_PATTERN = r"^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$"
AGENCY_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"

_GOOD = json.loads(RECORDED.read_text(encoding="utf-8"))


@pytest.fixture
def obs() -> dict:
    return copy.deepcopy(_GOOD)


def code(obs: dict, key: str) -> str:
    return next(d["code"] for d in obs["dossiers"] if d["key"] == key)


def packets(obs: dict, service: str, dossier: str, status: str | None = None) -> list[tuple[dict, dict]]:
    field = "TrangThaiHoSo" if service == "DongBoHoSoMC" else "TrangThai"
    return [(r, i) for r in obs["records"] if r["service"] == service
            for i in (r["request"].get("data") or []) if i.get("MaHoSo") == dossier
            and (status is None or i.get(field) == status)]


def drop(obs: dict, records: list[dict]) -> None:
    seqs = {r["seq"] for r in records}
    obs["records"] = [r for r in obs["records"] if r["seq"] not in seqs]


def shift(record: dict, seconds: float) -> None:
    record["time"] = (dt.datetime.fromisoformat(record["time"]) + dt.timedelta(seconds=seconds)).isoformat()


def fails(judge, obs, *args, match: str = "") -> str:
    with pytest.raises(AssertionError) as caught:
        judge(obs, *args)  # an Inconclusive is not caught: the test errors
    assert match in str(caught.value), str(caught.value)
    return str(caught.value)


def codes_judge(obs):
    judges.codes(obs, DOSSIER_PATTERN, PROCEDURE_PATTERN, AGENCY_PATTERN)


def test_the_recording_is_a_clean_run_with_both_probes(obs):
    """The recording holds what the proofs rely on: dossier_life dossiers and both probes that worked."""
    keys = {d["key"] for d in obs["dossiers"]}
    assert {"online_full", "counter", "refused", "withdrawn", "phien", "loi"} <= keys
    assert obs["dossier_life_error"] is None and not obs["errors"]
    assert any(r["fault"] for r in obs["records"])                     # the injected error was taken
    assert any((r["response"] or {}).get("error_code") == "-2" for r in obs["records"])  # the expiry was seen


# ------------------------------------------------------------------------------ dossier_synced

@pytest.mark.proves("packets.dossier_synced")
def test_dossier_synced_fails_when_a_status_change_is_never_pushed(obs):
    judges.dossier_synced(copy.deepcopy(obs))
    full = code(obs, "online_full")
    drop(obs, [r for r, _ in packets(obs, "DongBoHoSoMC", full, "9")])
    fails(judges.dossier_synced, obs, match=f"hồ sơ {full}, bước 'approve'")


@pytest.mark.proves("packets.dossier_synced")
def test_dossier_synced_fails_for_a_dossier_never_synced(obs):
    counter = code(obs, "counter")
    drop(obs, [r for r, _ in packets(obs, "DongBoHoSoMC", counter)])
    fails(judges.dossier_synced, obs, match=f"hồ sơ {counter}: Cổng DVC quốc gia không nhận được")


def test_dossier_synced_is_inconclusive_without_dossiers(obs):
    obs["dossiers"], obs["dossier_life_error"] = [], "kịch bản dossier_life không có kết quả — FixtureLookupError"
    with pytest.raises(Inconclusive, match="FixtureLookupError"):
        judges.dossier_synced(obs)


# ------------------------------------------------------------------------------ progress_synced

@pytest.mark.proves("packets.progress_synced")
def test_progress_synced_fails_when_progress_is_never_synced(obs):
    judges.progress_synced(copy.deepcopy(obs))
    drop(obs, [r for r in obs["records"] if r["service"] == "CapNhatTienDoHoSoMC"])
    fails(judges.progress_synced, obs, match="CapNhatTienDoHoSoMC")


@pytest.mark.proves("packets.progress_synced")
def test_progress_synced_fails_when_the_handler_is_not_named(obs):
    full = code(obs, "online_full")
    for _, item in packets(obs, "CapNhatTienDoHoSoMC", full, "4"):
        item["NguoiXuLy"] = ""
    fails(judges.progress_synced, obs, match="NguoiXuLy")


def test_progress_synced_is_inconclusive_with_citizen_steps_only(obs):
    obs["dossiers"] = [d for d in obs["dossiers"] if d["origin"] == "probe"]
    with pytest.raises(Inconclusive):
        judges.progress_synced(obs)


# ------------------------------------------------------------------------------ order

@pytest.mark.proves("packets.order")
def test_order_fails_when_packets_arrive_out_of_step_order(obs):
    judges.order(copy.deepcopy(obs))
    full = code(obs, "online_full")
    (first, _), = packets(obs, "DongBoHoSoMC", full, "5")
    (later, _), = packets(obs, "DongBoHoSoMC", full, "9")
    first["seq"], later["seq"] = later["seq"], first["seq"]
    fails(judges.order, obs, match="không phải chuyển đổi hợp lệ")


# ------------------------------------------------------------------------------ delay

@pytest.mark.proves("packets.delay")
def test_delay_fails_when_a_packet_comes_after_the_sync_delay(obs):
    judges.delay(copy.deepcopy(obs), SYNC_DELAY, measured=Measurements())
    full = code(obs, "online_full")
    (record, _), = packets(obs, "DongBoHoSoMC", full, "10")
    shift(record, SYNC_DELAY + 5)
    fails(judges.delay, obs, SYNC_DELAY, Measurements(), match="đến sau")


def test_delay_is_error_when_a_packets_arrival_cannot_be_timed_and_notes_the_worst_delay(obs, monkeypatch):
    measured = Measurements()
    judges.delay(copy.deepcopy(obs), SYNC_DELAY, measured=measured)
    (noted,) = measured.take()
    assert noted["ok"] and 0 <= noted["value"] <= SYNC_DELAY and noted["limit"] == SYNC_DELAY
    # the arrivals matched, but none says when it came: the delay is unknown, not small
    monkeypatch.setattr(judges, "arrival", lambda record: None)
    with pytest.raises(Inconclusive, match="could not be measured"):
        judges.delay(obs, SYNC_DELAY, measured=measured)
    assert measured.take() == []


# ------------------------------------------------------------------------------ mandatory_fields

@pytest.mark.proves("packets.mandatory_fields")
def test_mandatory_fields_fails_when_a_sync_packet_misses_one(obs):
    judges.mandatory_fields(copy.deepcopy(obs))
    _, item = packets(obs, "DongBoHoSoMC", code(obs, "refused"))[0]
    del item["ChuHoSo"]
    fails(judges.mandatory_fields, obs, match="ChuHoSo")


@pytest.mark.proves("packets.mandatory_fields")
def test_mandatory_fields_fails_on_an_empty_progress_field(obs):
    _, item = packets(obs, "CapNhatTienDoHoSoMC", code(obs, "counter"))[0]
    item["NoiDungXuLy"] = "  "
    fails(judges.mandatory_fields, obs, match="NoiDungXuLy")


# ------------------------------------------------------------------------------ codes

@pytest.mark.proves("packets.codes")
@pytest.mark.parametrize("field, value, where", [
    ("MaHoSo", "HS-2026-000001", "MaHoSo"),
    ("MaTTHC", "TTHC-LLTP", "MaTTHC"),
    ("MaLinhVuc", "H29-HT", "không phải lĩnh vực"),
])
def test_codes_fails_on_a_non_standard_code(obs, field, value, where):
    codes_judge(copy.deepcopy(obs))
    _, item = packets(obs, "DongBoHoSoMC", code(obs, "online_full"))[0]
    item[field] = value
    fails(codes_judge, obs, match=where)


@pytest.mark.proves("packets.codes")
def test_codes_fails_on_a_wrong_sending_unit_code(obs):
    record = next(r for r in obs["records"] if r["service"] == "CapNhatTienDoHoSoMC")
    record["request"]["madonvi"] = "H29"
    fails(codes_judge, obs, match="madonvi")


# ------------------------------------------------------------------------------ status_codes

@pytest.mark.proves("packets.status_codes")
def test_status_codes_fails_on_a_non_national_status(obs):
    judges.status_codes(copy.deepcopy(obs))
    _, item = packets(obs, "DongBoHoSoMC", code(obs, "counter"), "4")[0]
    item["TrangThaiHoSo"] = "DANG_XU_LY"
    fails(judges.status_codes, obs, match="không thuộc danh mục")


@pytest.mark.proves("packets.status_codes")
def test_status_codes_fails_on_a_status_the_back_office_never_showed(obs):
    _, item = packets(obs, "CapNhatTienDoHoSoMC", code(obs, "counter"), "4")[0]
    item["TrangThai"] = "8"
    fails(judges.status_codes, obs, match="Hệ thống MCĐT")


# ------------------------------------------------------------------------------ date_format

@pytest.mark.proves("packets.date_format")
def test_date_format_fails_on_a_wrong_format(obs):
    judges.date_format(copy.deepcopy(obs), SYNC_DELAY)
    _, item = packets(obs, "DongBoHoSoMC", code(obs, "withdrawn"))[-1]
    item["NgayTiepNhan"] = "25/11/2026 20:12:01"
    fails(judges.date_format, obs, SYNC_DELAY, match="yyyyMMddHHmmss")


@pytest.mark.proves("packets.date_format")
def test_date_format_fails_on_utc_written_as_vietnam_time(obs):
    for _, item in packets(obs, "CapNhatTienDoHoSoMC", code(obs, "online_full")):
        moment = dt.datetime.strptime(item["ThoiDiemXuLy"], "%Y%m%d%H%M%S") - dt.timedelta(hours=7)
        item["ThoiDiemXuLy"] = moment.strftime("%Y%m%d%H%M%S")
    fails(judges.date_format, obs, SYNC_DELAY, match="Asia/Ho_Chi_Minh")


@pytest.mark.proves("packets.date_format")
def test_date_format_fails_when_the_due_date_is_before_receipt(obs):
    _, item = packets(obs, "DongBoHoSoMC", code(obs, "counter"))[0]
    item["NgayHenTra"] = "20200101080000"
    fails(judges.date_format, obs, SYNC_DELAY, match="NgayHenTra")


@pytest.mark.proves("packets.date_format")
def test_date_format_fails_when_the_return_packet_gives_no_or_another_return_date(obs):
    judges.date_format(copy.deepcopy(obs), SYNC_DELAY)
    silent = copy.deepcopy(obs)
    _, item = packets(silent, "DongBoHoSoMC", code(silent, "postal"), "10")[0]
    del item["NgayTra"]
    fails(judges.date_format, silent, SYNC_DELAY, match="gives no return date")
    _, item = packets(obs, "DongBoHoSoMC", code(obs, "counter"), "10")[0]
    moment = dt.datetime.strptime(item["NgayTra"], "%Y%m%d%H%M%S") - dt.timedelta(days=1)
    item["NgayTra"] = moment.strftime("%Y%m%d%H%M%S")  # the day before: not when it was returned
    fails(judges.date_format, obs, SYNC_DELAY, match="NgayTra")


# ------------------------------------------------------------------------------ schema

@pytest.mark.proves("packets.schema")
def test_schema_fails_on_what_the_simulator_finds_invalid(obs):
    """The whole chain: the simulator's validator judges a broken packet, the judge reports it."""
    judges_protocol.schema(copy.deepcopy(obs))
    validator = PacketValidator(PACKETS_DIR)
    record, item = packets(obs, "DongBoHoSoMC", code(obs, "refused"))[0]
    item["KenhThucHien"] = 2                # a number where the protocol wants a string
    item["TaiLieuNop"] = {"TepDinhKemId": "1"}  # an object where an array is defined
    record["validation"] = validator.validate("DongBoHoSoMC", record["request"])
    message = fails(judges_protocol.schema, obs, match=f"gói #{record['seq']} DongBoHoSoMC")
    assert "KenhThucHien" in message and "TaiLieuNop" in message


@pytest.mark.proves("packets.schema")
def test_schema_fails_on_text_not_in_nfc(obs):
    import unicodedata

    from harness.nps.validation import nfc_problems

    record, item = packets(obs, "DongBoHoSoMC", code(obs, "refused"))[0]
    item["TenLinhVuc"] = unicodedata.normalize("NFD", item["TenLinhVuc"])
    record["validation"] = nfc_problems(record["request"])
    fails(judges_protocol.schema, obs, match="nfc")


# ------------------------------------------------------------------------------ session

@pytest.mark.proves("packets.session")
def test_session_fails_when_the_target_never_authenticates_again(obs):
    judges_protocol.session(copy.deepcopy(obs), RETRY_WAIT)
    after = obs["expiry_probe"]["expired_after_seq"]
    drop(obs, [r for r in obs["records"] if r["kind"] == "auth" and r["seq"] > after])
    for record in obs["records"]:
        if record["kind"] == "packet" and record["seq"] > after:
            record["request"]["session"] = "phien-0"
            record["response"] = {"error_code": "-2", "message": "session không hợp lệ"}
    fails(judges_protocol.session, obs, RETRY_WAIT, match="không lấy phiên mới")


@pytest.mark.proves("packets.session")
def test_session_fails_on_calls_without_a_session_or_unit(obs):
    record = next(r for r in obs["records"] if r["service"] == "TraCuuHoSo")
    record["request"]["session"] = ""
    other = next(r for r in obs["records"] if r["service"] == "CapNhatTienDoHoSoMC")
    del other["request"]["madonvi"]
    message = fails(judges_protocol.session, obs, RETRY_WAIT)
    assert "thiếu session" in message and "thiếu madonvi" in message


@pytest.mark.proves("packets.session")
def test_session_fails_when_calls_come_before_any_authentication(obs):
    first_auth = min(r["seq"] for r in obs["records"] if r["kind"] == "auth")
    drop(obs, [r for r in obs["records"] if r["seq"] == first_auth])
    fails(judges_protocol.session, obs, RETRY_WAIT, match="/dvcqg/auth")


def test_session_accepts_a_stale_session_that_is_refused_then_renewed(obs):
    """A target still holding a session of an earlier simulator is told -2 and authenticates: correct."""
    first = min(obs["records"], key=lambda r: r["seq"])
    obs["records"].append({"seq": 0, "time": first["time"], "kind": "packet", "service": "TraCuuHoSo",
                           "request": {"session": "phien-cu", "madonvi": "000.00.00.H29", "service": "TraCuuHoSo",
                                       "mahoso": code(obs, "online_full")},
                           "response": {"error_code": "-2", "message": "session không hợp lệ"},
                           "validation": [], "http_status": 200, "fault": None})
    judges_protocol.session(obs, RETRY_WAIT)


def test_session_is_inconclusive_without_the_expiry_probe(obs):
    obs["expiry_probe"] = {"error": "submit_dossier: HTTP 500"}
    with pytest.raises(Inconclusive, match="HTTP 500"):
        judges_protocol.session(obs, RETRY_WAIT)


# ------------------------------------------------------------------------------ error_handling

def fault_dossier(obs: dict) -> str:
    return obs["fault_probe"]["dossier"]


@pytest.mark.proves("packets.error_handling")
def test_error_handling_fails_when_a_refused_packet_is_never_resent(obs):
    judges_protocol.error_handling(copy.deepcopy(obs), RETRY_WAIT)
    dossier = fault_dossier(obs)
    refused = next(r for r, _ in packets(obs, "DongBoHoSoMC", dossier) if r["fault"])
    drop(obs, [r for r in obs["records"] if r["seq"] > refused["seq"]
               and any(i.get("MaHoSo") == dossier for i in r["request"].get("data") or [])])
    fails(judges_protocol.error_handling, obs, RETRY_WAIT, match="không được gửi lại")


@pytest.mark.proves("packets.error_handling")
def test_error_handling_fails_when_the_refused_packet_is_dropped_and_a_later_step_goes_through(obs):
    # refportal's no-packet-resend defect: the refused registration is never delivered, the
    # withdrawal that follows is accepted — a later packet is not a resend
    dossier = fault_dossier(obs)
    refused = next(r for r, _ in packets(obs, "DongBoHoSoMC", dossier) if r["fault"])
    resends = [r for r, i in packets(obs, "DongBoHoSoMC", dossier)
               if not r["fault"] and r["seq"] > refused["seq"]
               and i.get("TrangThaiHoSo") == refused["request"]["data"][0]["TrangThaiHoSo"]]
    drop(obs, resends[:1])
    fails(judges_protocol.error_handling, obs, RETRY_WAIT, match="the refused packet was dropped")


@pytest.mark.proves("packets.error_handling")
def test_error_handling_fails_when_resent_out_of_order(obs):
    dossier = fault_dossier(obs)
    accepted = [r for r, _ in packets(obs, "DongBoHoSoMC", dossier) if not r["fault"]]
    accepted[0]["seq"], accepted[-1]["seq"] = accepted[-1]["seq"], accepted[0]["seq"]
    message = fails(judges_protocol.error_handling, obs, RETRY_WAIT)
    assert "7 → 1" in message and "trạng thái thật là 7" in message


@pytest.mark.proves("packets.error_handling")
def test_error_handling_fails_when_resent_after_the_retry_wait(obs):
    dossier = fault_dossier(obs)
    for record, _ in packets(obs, "DongBoHoSoMC", dossier):
        if not record["fault"]:
            shift(record, RETRY_WAIT + 10)
    fails(judges_protocol.error_handling, obs, RETRY_WAIT, match="quá 120 s")


def test_error_handling_is_inconclusive_when_the_error_hit_another_dossier(obs):
    for record in obs["records"]:
        record["fault"] = None
    with pytest.raises(Inconclusive, match="một lời gọi khác"):
        judges_protocol.error_handling(obs, RETRY_WAIT)


# ------------------------------------------------------------------------------ is_updating

@pytest.mark.proves("packets.is_updating")
@pytest.mark.parametrize("which, value", [(0, "True"), (-1, "False")])
def test_is_updating_fails_on_a_wrong_flag(obs, which, value):
    judges_protocol.is_updating(copy.deepcopy(obs))
    record, _ = packets(obs, "DongBoHoSoMC", code(obs, "online_full"))[which]
    record["request"]["isUpdating"] = value
    fails(judges_protocol.is_updating, obs, match="isUpdating")


@pytest.mark.proves("packets.is_updating")
def test_is_updating_wants_false_again_after_a_refused_first_sync(obs):
    """The fault probe's first packet was refused: its resend is still the first the portal takes."""
    dossier = fault_dossier(obs)
    resend = [r for r, _ in packets(obs, "DongBoHoSoMC", dossier) if not r["fault"]][0]
    assert resend["request"]["isUpdating"] == "False"
    resend["request"]["isUpdating"] = "True"
    fails(judges_protocol.is_updating, obs, match=dossier)


# ------------------------------------------------------------------------------ lookup

@pytest.mark.proves("packets.lookup")
def test_lookup_fails_without_any_tracuuhoso(obs):
    judges_protocol.lookup(copy.deepcopy(obs))
    drop(obs, [r for r in obs["records"] if r["service"] == "TraCuuHoSo"])
    fails(judges_protocol.lookup, obs, match="TraCuuHoSo")


@pytest.mark.proves("packets.lookup")
def test_lookup_fails_when_the_answer_is_not_used(obs):
    full = code(obs, "online_full")
    lookup = next(r for r in obs["records"] if r["service"] == "TraCuuHoSo" and r["request"]["mahoso"] == full)
    lookup["response"]["result"] = [{"MaHoSo": full, "TrangThaiHoSo": "1"}]  # the portal says it holds it
    fails(judges_protocol.lookup, obs, match="isUpdating 'False'")


# ------------------------------------------------------------------------------ attachments_by_url

@pytest.mark.proves("packets.attachments_by_url")
def test_attachments_fail_when_content_is_inline(obs):
    judges_protocol.attachments_by_url(copy.deepcopy(obs))
    content = b"%PDF-1.4 inline file content of the dossier"
    dossier = next(d for d in obs["dossiers"] if d["key"] == "refused")
    dossier["known_sha256"].append(hashlib.sha256(content).hexdigest())
    _, item = packets(obs, "DongBoHoSoMC", dossier["code"])[-1]
    item["TaiLieuNop"][0]["NoiDungTep"] = base64.b64encode(content).decode()
    fails(judges_protocol.attachments_by_url, obs, match="TaiLieuNop[0].NoiDungTep")


@pytest.mark.proves("packets.attachments_by_url")
def test_attachments_fail_when_the_link_is_a_data_uri(obs):
    _, item = packets(obs, "DongBoHoSoMC", code(obs, "withdrawn"))[-1]
    item["TaiLieuNop"][0]["DuongDanTaiTepTin"] = "data:application/pdf;base64,JVBERi0xLjQKJWRva2llbQ=="
    fails(judges_protocol.attachments_by_url, obs, match="không phải đường dẫn tải tệp")


@pytest.mark.proves("packets.attachments_by_url")
@pytest.mark.parametrize("change, where", [({"status": 404}, "HTTP 404"),
                                           ({"sha256": "0" * 64}, "khác tệp hồ sơ")])
def test_attachments_fail_when_the_url_does_not_serve_the_file(obs, change, where):
    full = code(obs, "online_full")
    download = next(d for d in obs["downloads"] if d["dossier"] == full and "/ket-qua/" in d["url"])
    download.update(change)
    fails(judges_protocol.attachments_by_url, obs, match=where)


# ------------------------------------------------------------------------------ fees

@pytest.mark.proves("packets.fees")
def test_fees_fail_when_the_amount_differs_from_the_published_fee(obs):
    judges_protocol.fees(copy.deepcopy(obs))
    _, item = packets(obs, "DongBoHoSoMC", code(obs, "online_full"))[-1]
    item["DanhSachLePhi"][0]["Gia"] = "150000"
    fails(judges_protocol.fees, obs, match="150000")


@pytest.mark.proves("packets.fees")
def test_fees_fail_when_the_packet_lists_no_fees(obs):
    _, item = packets(obs, "DongBoHoSoMC", code(obs, "counter"))[-1]
    del item["DanhSachLePhi"]
    fails(judges_protocol.fees, obs, match="không có DanhSachLePhi")


# ------------------------------------------------------------------------------ procedure_pull

@pytest.mark.proves("packets.procedure_pull")
def test_procedure_pull_fails_when_laythutuc_is_never_called(obs):
    judges_protocol.procedure_pull(copy.deepcopy(obs))
    drop(obs, [r for r in obs["records"] if r["service"] == "LayThuTuc"])
    fails(judges_protocol.procedure_pull, obs, match="LayThuTuc")


@pytest.mark.proves("packets.procedure_pull")
def test_procedure_pull_fails_when_the_catalogue_shows_other_data(obs):
    obs["pull_probe"]["procedure"].update(name="Đăng ký khai tử", sector_code="H29-LLTP", sector_name="Lý lịch tư pháp")
    message = fails(judges_protocol.procedure_pull, obs)
    assert "tên thủ tục" in message and "lĩnh vực" in message


# ------------------------------------------------------------------------------ without dossier_life

@pytest.mark.parametrize("judge", [judges.dossier_synced, judges.order, judges.progress_synced,
                                   lambda obs: judges.delay(obs, SYNC_DELAY, measured=Measurements()), judges_protocol.attachments_by_url])
def test_the_probes_alone_do_not_show_a_dossier_life(obs, judge):
    """Without dossier_life only the probes' registered-then-withdrawn dossiers remain: ERROR, not PASS."""
    obs["dossiers"] = [d for d in obs["dossiers"] if d["origin"] == "probe"]
    obs["dossier_life_error"] = "kịch bản dossier_life không có kết quả — FixtureLookupError: dossier_life"
    with pytest.raises(Inconclusive, match="dossier_life"):
        judge(obs)


@pytest.mark.parametrize("judge", [judges.mandatory_fields, judges_protocol.is_updating, judges_protocol.lookup,
                                   lambda obs: judges_protocol.session(obs, RETRY_WAIT),
                                   lambda obs: judges_protocol.error_handling(obs, RETRY_WAIT), judges_protocol.fees])
def test_what_the_probes_show_is_judged_without_dossier_life(obs, judge):
    obs["dossiers"] = [d for d in obs["dossiers"] if d["origin"] == "probe"]
    judge(obs)


def test_an_expiry_probe_that_ran_first_is_still_a_probe(obs):
    """expired_after_seq is 0 when the probe ran before any record (no dossier_life): it ran all the same."""
    obs["expiry_probe"]["expired_after_seq"] = 0
    judges_protocol.session(obs, RETRY_WAIT)
