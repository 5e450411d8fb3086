"""The load_test scenario: prepare what the simulated users send, run Locust once, record.

1. Settings from the edition, the profile's limits and its `load:` section (plan.py).
2. Samples, with the harness's own rate-limited API client: procedure codes and search keywords
   from the catalogue, dossier codes to look up (the profile's `load.lookup_codes`, else a
   dossier fixture of the profile, else one dossier submitted now where `mutates` is allowed).
3. The plan is written into a locustfile and Locust runs it headless in its own process
   (runner.py); its statistics, failures, log and the generator report become evidence and
   the observations the checks judge (OBSERVATIONS below, in suites/performance/README.md).
"""
from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import time
import unicodedata
from pathlib import Path

from harness import Inconclusive, exercise
from suites.performance import plan, runner, stats

PROCEDURE_SAMPLE = 20   # procedure pages opened under load (spread over the catalogue)
KEYWORD_SAMPLE = 5      # distinct search keywords
LOOKUP_SAMPLE = 5       # distinct dossier codes looked up
STDOUT_TAIL_LINES = 60
# what the logged-in simulated users send, as citizens (the locustfile names the login "login")
CITIZEN_OPERATIONS = ("login", plan.SESSION_PROBE[0], plan.SUBMIT[0])
# a one-page PDF: the component file of dossiers the load test submits
SAMPLE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
              b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def new_observations(run_id: str) -> dict:
    """The observations before anything happened (the shape of suites/performance/README.md)."""
    return {"run_id": run_id, "settings": None, "mix": {}, "samples": {}, "notes": [], "errors": [],
            "generator": None, "operations": {}, "failures": [], "exceptions": []}


def record(sc, run_id: str) -> dict:
    """Drive the load test once; never raises for what the target does (it is recorded)."""
    obs = new_observations(run_id)
    profile = sc.profile
    try:
        settings, notes = plan.settings_for(profile, sc.parameter, profile.allowed_flags())
    except Inconclusive as exc:
        obs["errors"].append(str(exc))
        return obs
    obs["settings"] = settings.as_dict()
    obs["notes"] += notes
    samples, submission = prepare(sc, settings, obs)
    try:
        the_plan = plan.build_plan(profile, settings, samples, run_id, submission)
    except Inconclusive as exc:
        obs["errors"].append(str(exc))
        return obs
    obs["mix"] = plan.mix_summary(the_plan)
    if not the_plan["public_mix"]:
        obs["errors"].append("không có thao tác công khai nào để tạo tải — nothing to load: none of "
                             f"{', '.join(op for op, _ in plan.PUBLIC_MIX)} could be prepared")
        return obs
    with tempfile.TemporaryDirectory(prefix="dokiem-load-") as folder:
        locustfile = Path(folder) / "locustfile.py"
        locustfile.write_text(plan.locustfile_source(the_plan), encoding="utf-8")
        sc.evidence.write_text("locustfile.py", locustfile.read_text(encoding="utf-8"))
        run = runner.run_locust(locustfile, Path(folder) / "locust", settings, the_plan["host"])
        keep_evidence(sc, run)
        summarise(obs, run, settings)
    return obs


# ------------------------------------------------------------------ samples

def prepare(sc, settings, obs: dict) -> tuple[dict, dict | None]:
    """Procedure codes, search keywords and dossier codes for the plan; what failed goes to notes."""
    profile = sc.profile
    load = profile.data.get("load") or {}
    anonymous = sc.client()
    items: list = []
    if profile.operations.get("list_procedures"):
        answer = anonymous.call("list_procedures")
        if answer.ok and isinstance(answer.vars.get("procedures"), list):
            items = answer.vars["procedures"]
        else:
            obs["notes"].append(f"danh mục thủ tục không đọc được trước khi tạo tải — {answer.describe()}")
    pattern = re.compile(str(sc.parameter("codes.procedure_pattern")))
    codes, names = procedure_samples(items, pattern)
    if not codes:
        codes = [c for c in (profile.test_data.get("online_procedure"), profile.test_data.get("counter_procedure")) if c]
        obs["notes"].append("mã thủ tục lấy từ test_data (danh mục không cho mã nào) — procedure codes from test_data")
    keywords = list(load.get("search_keywords") or keywords_from(names))
    submission = None
    if "submit_dossier" in profile.operations and profile.test_data.get("online_procedure"):
        submission = {"procedure_code": profile.test_data["online_procedure"],
                      "form_data": {**(profile.test_data.get("form_data") or {}),
                                    "ghi_chu": f"dokiem {obs['run_id']} — kiểm thử tải (load test)"},
                      "files": [{"name": "don-de-nghi.pdf", "content": SAMPLE_PDF, "content_type": "application/pdf"}]}
    lookup_codes, source = lookup_samples(sc, load, submission, obs)
    obs["samples"] = {"procedure_codes": len(codes), "procedures_listed": len(items), "search_keywords": keywords,
                      "lookup_codes": len(lookup_codes), "lookup_source": source}
    return ({"procedure_codes": codes[:PROCEDURE_SAMPLE], "search_keywords": keywords[:KEYWORD_SAMPLE],
             "lookup_codes": lookup_codes[:LOOKUP_SAMPLE]}, submission if settings.submit else None)


NAME_KEYS = ("name", "ten", "title", "ten_thu_tuc", "tenthutuc", "tentthc", "procedure_name")


def procedure_samples(items: list, pattern: re.Pattern) -> tuple[list[str], list[str]]:
    """(codes, names) of procedures spread over the list: a code is the value that matches the
    edition's national code pattern; the name, the value of a name-like key (name, ten, title…),
    else the longest text of several words."""
    codes, names = [], []
    step = max(1, len(items) // PROCEDURE_SAMPLE)
    for item in items[::step]:
        if not isinstance(item, dict):
            continue
        texts = {k: v for k, v in item.items() if isinstance(v, str)}
        code = next((v for v in texts.values() if pattern.match(v)), None)
        if code is None:
            continue
        codes.append(code)
        named = [v for k, v in texts.items() if k.casefold().replace("_", "") in
                 {n.replace("_", "") for n in NAME_KEYS} and v.strip()]
        words = [v for v in texts.values()
                 if v != code and " " in v.strip() and not v.startswith(("http://", "https://", "/"))]
        if named or words:
            names.append(named[0] if named else max(words, key=len))
    return codes[:PROCEDURE_SAMPLE], names


def keywords_from(names: list[str]) -> list[str]:
    """What a citizen types: the first two words of procedure names, distinct, in NFC."""
    keywords: list[str] = []
    for name in names:
        keyword = unicodedata.normalize("NFC", " ".join(name.split()[:2]))
        if keyword and keyword.casefold() not in {k.casefold() for k in keywords}:
            keywords.append(keyword)
        if len(keywords) == KEYWORD_SAMPLE:
            break
    return keywords


def lookup_samples(sc, load: dict, submission: dict | None, obs: dict) -> tuple[list[str], str | None]:
    """Dossier codes to look up: the profile's list, a dossier fixture, or one dossier submitted now."""
    profile = sc.profile
    if load.get("lookup_codes"):
        return list(load["lookup_codes"]), "profile load.lookup_codes"
    for name in sorted(profile.fixtures):
        if not name.endswith("_dossier"):
            continue
        try:
            value = sc.fixture(name)
        except Inconclusive as exc:
            obs["notes"].append(f"fixture {name}: {exc}")
            continue
        if isinstance(value, str) and value.strip():
            return [value.strip()], f"fixture {name}"
    if submission is None or "mutates" not in profile.allowed_flags() or not plan.usable_citizens(profile):
        obs["notes"].append("không có mã hồ sơ để tra cứu dưới tải — no dossier code to look up: set load.lookup_codes "
                            "or a dossier fixture in the profile (or allow mutates, so one dossier is submitted)")
        return [], None
    try:
        citizen = sc.client("citizen")
        answer = citizen.call("submit_dossier", **submission)
    except Inconclusive as exc:
        obs["notes"].append(f"nộp hồ sơ để tra cứu không được — submitting a dossier to look up failed: {exc}")
        return [], None
    code = answer.vars.get("dossier_code") if answer.ok else None
    if not code:
        obs["notes"].append(f"nộp hồ sơ để tra cứu không được — submitting a dossier to look up failed: "
                            f"{answer.describe()}")
        return [], None
    sc.note(f"hồ sơ {code} được nộp để tra cứu dưới tải — dossier {code} submitted to be looked up under load")
    return [str(code)], "submitted before the load"


# ------------------------------------------------------------------ after the run

def keep_evidence(sc, run) -> None:
    """Locust's own files, redacted like every evidence file; stdout only as a tail.

    Numbers are rounded to 3 decimals first: Locust writes floats in full, and a fraction of
    exactly 12 digits would be masked as a citizen ID by the redaction."""
    names = {"stats_csv": "locust_stats.csv", "history": "locust_stats_history.csv",
             "failures": "locust_failures.csv", "exceptions": "locust_exceptions.csv", "log": "locust.log",
             "stats": "locust_stats.json", "generator": "generator.json"}
    for kind, name in names.items():
        if kind not in run.files:
            continue
        text = run.text(kind)
        if name.endswith(".csv"):
            text = _round_csv(text)
        elif name.endswith(".json"):
            try:
                text = json.dumps(_round(json.loads(text)), ensure_ascii=False, indent=1)
            except ValueError:
                pass  # kept as Locust wrote it
        sc.evidence.write_text(name, text)
    tail = run.text("stdout").splitlines()[-STDOUT_TAIL_LINES:]
    if tail:
        sc.evidence.write_text("locust_stdout_tail.txt", "\n".join(tail))


def _round(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def _round_csv(text: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(text)):
        writer.writerow([_round_cell(cell) for cell in row])
    return out.getvalue()


def _round_cell(cell: str) -> str:
    if "." not in cell:
        return cell
    try:
        return str(round(float(cell), 3)) if len(cell.split(".")[1]) > 3 else cell
    except ValueError:
        return cell


def summarise(obs: dict, run, settings) -> None:
    gen = stats.generator(run.text("generator"), settings.users)
    gen.update({"exit_code": run.exit_code, "killed": run.killed, "wall_s": run.wall_s, "cpu_s": run.cpu_s,
                "command": [Path(a).name if "/" in a and "://" not in a else a for a in run.argv[1:]],
                "finished_at": time.time()})
    obs["generator"] = gen
    try:
        obs["operations"] = stats.operations(run.text("stats"))
    except ValueError as exc:
        obs["errors"].append(f"thống kê của Locust không đọc được — Locust's statistics are unreadable: {exc}")
    obs["failures"] = stats.failures(run.text("failures"))
    obs["exceptions"] = stats.exceptions(run.text("exceptions"))
    kinds = stats.count_kinds(obs["failures"])
    for name, entry in obs["operations"].items():
        entry["failure_kinds"] = kinds.get(name, {})
        # what the load test sent counts towards each check's coverage as the API client's calls do;
        # an operation none of whose answers was served is not counted as reached
        role = "citizen" if name in CITIZEN_OPERATIONS else None
        exercise.note_operation(name, role, 200 if entry["successes"] else None)


def results_table(obs: dict) -> dict | None:
    """Per operation figures for the record (tables/perf-load.csv)."""
    if not obs.get("operations") or not obs.get("settings"):
        return None
    s = obs["settings"]
    rows = [[op, e["requests"], e["failures"], e["avg_ms"], e["median_ms"], e["p95_ms"], e["max_ms"]]
            for op, e in sorted(obs["operations"].items())]
    return {"id": "perf-load", "csv": "perf-load.csv",
            "title_vi": f"Kết quả kiểm thử tải: {s['users']} người dùng đồng thời trong {s['duration_s']:g} s",
            "title_en": f"Load test results: {s['users']} concurrent users for {s['duration_s']:g} s",
            "columns": ["Thao tác (operation)", "Số yêu cầu (requests)", "Lỗi (failures)", "Trung bình (avg, ms)",
                        "Trung vị (median, ms)", "P95 (ms)", "Chậm nhất (max, ms)"],
            "rows": rows}
