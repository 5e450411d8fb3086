"""Measured values a judge reports (harness.measured) reach the record with the outcome."""
import hashlib
import json
from pathlib import Path

from harness import measured, outcomes
from harness.evidence import EvidenceStore, Exchange, Redactor, Transcript, is_binary
from harness.measured import Measurements
from suites.performance import judges

RECORDED = Path(__file__).parent.parent / "suites" / "performance" / "recorded" / "load_test.json"


def test_vietnamese_figures():
    assert measured.number(2000) == "2 000" and measured.number(31.4) == "31"
    assert measured.number(0.25, 2) == "0,25" and measured.number(12345.5, 1) == "12 345,5"


def test_a_perf_judge_notes_each_figure_against_its_threshold():
    obs = json.loads(RECORDED.read_text(encoding="utf-8"))
    figures = Measurements()
    judges.avg_response(obs, 2000, 20, 15, 95, measured=figures)
    noted = figures.take()
    assert noted and all(n["ok"] and " ≤ 2 000 ms; " in n["text"] and "yêu cầu" in n["text"] for n in noted)
    obs["operations"]["list_procedures"]["avg_ms"] = 2500.0
    try:
        judges.avg_response(obs, 2000, 20, 15, 95, measured=figures)
    except AssertionError:
        pass
    slow = [n for n in figures.take() if n["text"].startswith("list_procedures")]
    assert slow[0]["ok"] is False and "TB 2 500 ms > 2 000 ms" in slow[0]["text"]
    assert figures.take() == []  # taken once


def test_measured_values_travel_with_the_outcome():
    class Report:
        user_properties = []

    noted = [{"text": "TB 31 ms ≤ 2 000 ms; 51 yêu cầu, 0 lỗi", "ok": True, "value": 31, "limit": 2000, "unit": "ms"}]
    outcomes.attach(Report, ["perf.avg_response"], "passed", "", noted)
    data = outcomes.read(Report)
    table = outcomes.CheckOutcomes()
    table.record(data["checks"], "t::a", data["outcome"], data["reason"], 0.1, measured=data["measured"])
    _, _, rows = table.aggregate("perf.avg_response")
    assert rows[0]["measured"] == noted


def test_binary_bodies_are_stored_as_files_never_pasted(tmp_path):
    body = b"%PDF-1.7\n\x00\xff\xfe binary form"
    assert is_binary(body, "application/pdf") and is_binary(body, "") and not is_binary(b"{}", "application/json")
    transcript = Transcript(Redactor())
    transcript.record(Exchange("GET", "https://t.example/bieu-mau/1", {}, "", 200,
                               {"Content-Type": "application/pdf"}, "", 5.0, "", None, body))
    store = EvidenceStore(tmp_path, Redactor())
    text = transcript.render(attach=lambda name, data: store.write_bytes("scenario-x", name, data))
    stored = tmp_path / "evidence" / "scenario-x" / "step-01-response.pdf"
    assert stored.read_bytes() == body
    assert hashlib.sha256(body).hexdigest() in text and "application/pdf" in text
    assert "(step-01-response.pdf)" in text and "\x00" not in text and "binary form" not in text
