"""Regenerate the recordings the proofs under tests/suites/ replay, from a real run against refportal.

    .venv/bin/python -m tests.suites.record dossier_life packet_log   # these scenarios
    .venv/bin/python -m tests.suites.record all                       # every recording
    .venv/bin/python -m tests.suites.record all --keep /tmp/rec       # and keep the run
    .venv/bin/python -m tests.suites.record crawl --from /tmp/rec     # again from that run

It makes one `dokiem run --demo` on the criteria whose checks read the scenarios (the scenarios
they build on run too), with tests/suites/record_raw.py keeping each scenario's observations as
they were before the evidence redaction. For each scenario it masks what is secret (`scrub`),
cuts what no judge reads (long texts, the deepest crawled pages…), validates the result against
the scenario's schema (suites/<topic>/<scenario>.schema.json) and writes
tests/suites/<topic>/recorded/<scenario>.json.
A recording is never edited by hand: a proof that needs a fault puts it into its own copy.
After a regeneration the proofs may need their expectations checked against the new sample
(the catalogue sample, for one, is seeded by the run id).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema

from harness import criteria
from harness.evidence import MASK, Redactor, is_secret_key

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# scenario -> the folder of suites/ (and of tests/suites/) it belongs to
TOPICS = {
    "access_probe": "access", "browser_pages": "accessibility", "public_pages": "accessibility",
    "api_probe": "api", "catalogue_sample": "catalogue", "dossier_life": "dossier",
    "feedback_flow": "feedback", "survey_flow": "feedback", "crawl": "navigation",
    "notifications": "notify", "packet_log": "packets", "load_test": "performance",
    "search_probe": "search", "auth_probe": "security", "injection_probe": "security",
    "security_sweep": "security", "tls_probe": "security", "stats_snapshot": "stats",
}


ORIGIN = "https://refportal.test"


def schema_path(scenario: str) -> Path:
    return REPO / "suites" / TOPICS[scenario] / f"{scenario}.schema.json"


def recording_path(scenario: str) -> Path:
    return HERE / TOPICS[scenario] / "recorded" / f"{scenario}.json"


# ---------------------------------------------------------------------------- trimming
def cut(value, text: int, items: int | None = None):
    """`value` with every string cut to `text` characters and, when `items` is given, every list to
    that many items (the shape kept, so the recording still shows it)."""
    if isinstance(value, str):
        return value[:text]
    if isinstance(value, list):
        return [cut(v, text, items) for v in (value if items is None else value[:items])]
    if isinstance(value, dict):
        return {k: cut(v, text, items) for k, v in value.items()}
    return value


def _tokens(records: list[dict]) -> None:
    """The simulator's session tokens are masked in the evidence: give them stand-in names again, in
    the order the authentications issued them, so the session judge can tell them apart. Each call
    carries the token of the newest accepted authentication before it."""
    current = None
    for n, record in enumerate(sorted(records, key=lambda r: r["seq"])):
        if record["kind"] == "auth" and isinstance(record.get("response"), dict) \
                and str(record["response"].get("error_code")) == "0":
            current = f"phien-{n}"
            record["response"]["session"] = current
        elif record["kind"] == "packet" and isinstance(record.get("request"), dict):
            record["request"]["session"] = current


def trim_dossier_life(obs: dict) -> dict:
    # what the citizen and the officer see is kept to show its shape; no judge reads it whole
    for dossier in obs["dossiers"]:
        for view in ("citizen_view", "officer_view"):
            dossier[view] = cut(dossier[view], 120, 2)
    return obs


def _one_procedure(pages: list[dict]) -> list[dict]:
    """The sampled procedures' pages are alike: the first stands for them all."""
    return [p for p in pages if not p["key"].startswith("procedure-") or p["key"] == "procedure-1"]


def trim_browser_pages(obs: dict) -> dict:
    obs["pages"] = _one_procedure(obs["pages"])
    obs["mobile"]["pages"] = _one_procedure(obs["mobile"]["pages"])
    return obs


def trim_public_pages(obs: dict) -> dict:
    obs["pages"] = _one_procedure(obs["pages"])
    for page in obs["pages"]:
        page["text"] = page["text"][:600]
    return obs


def trim_injection_probe(obs: dict) -> dict:
    # the answers' excerpts and bodies: the probe's marker and the database's error are near the top
    return cut(obs, 1500)


def trim_packet_log(obs: dict) -> dict:
    _tokens(obs["records"])
    for record in obs["records"]:
        if isinstance(record.get("response"), dict) and isinstance(record["response"].get("message"), str):
            record["response"]["message"] = record["response"]["message"][:80]
        if record["service"] == "LayThuTuc" and isinstance(record.get("response"), dict):
            for item in record["response"].get("result") or []:
                for key in ("TRINHTUTHUCHIEN", "THANHPHANHOSO", "CANCUPHAPLY", "CACHTHUCTHUCHIEN", "YEUCAU",
                            "MOTADOITUONGTHUCHIEN", "KETQUATHUCHIEN"):
                    item.pop(key, None)
    obs["errors"] = obs.get("errors", [])[:5]
    return obs


def trim_notifications(obs: dict) -> dict:
    for message in obs.get("messages", []) + obs.get("apology_messages", []):
        message["text"] = message["text"][:400]
    return obs


def trim_stats_snapshot(obs: dict) -> dict:
    page = obs.get("page") or {}
    page["labels"] = (page.get("labels") or [])[:40]
    page["cells"] = (page.get("cells") or [])[:30]
    return obs


def trim_catalogue_sample(obs: dict) -> dict:
    for proc in obs["procedures"]:
        proc["page"]["links"] = proc["page"]["links"][:5]  # no judge reads the page's links
    return obs


def trim_crawl(obs: dict) -> dict:
    crawl = obs["crawl"]
    keep = max(1, crawl["max_clicks"] - 2)  # links of the pages nearer than the targets (depth ≤ 2) are enough
    for page in crawl["pages"]:
        if page["depth"] > keep:
            page["links"] = []
        page["links"] = [link for link in page["links"] if "/bieu-mau/" not in link]
    crawl["unvisited"] = crawl["unvisited"][:20]
    return obs


def trim_api_probe(obs: dict) -> dict:
    obs["answers"] = obs["answers"][:3]
    return obs


TRIM = {
    "browser_pages": trim_browser_pages, "public_pages": trim_public_pages, "dossier_life": trim_dossier_life,
    "packet_log": trim_packet_log, "notifications": trim_notifications, "stats_snapshot": trim_stats_snapshot,
    "catalogue_sample": trim_catalogue_sample, "crawl": trim_crawl, "api_probe": trim_api_probe,
    "injection_probe": trim_injection_probe,
}


# ---------------------------------------------------------------------------- the tool
def problems(scenario: str, obs) -> list[str]:
    """Where `obs` breaks the scenario's schema, one line each."""
    schema = json.loads(schema_path(scenario).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{scenario}: /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(obs), key=lambda e: list(map(str, e.absolute_path)))]


def criteria_reading(scenarios: set[str]) -> list[str]:
    """The default edition's criteria with a check of one of these scenarios."""
    checks = criteria.load_checks(REPO / "criteria")
    edition = criteria.load_edition(REPO / "criteria", None, checks)
    wanted = {cid for cid, check in checks.checks.items() if check.scenario in scenarios}
    return sorted(c["id"] for c in edition.criteria if wanted & set(c["checks"]))


def demo_run(scenarios: set[str], work: Path) -> None:
    """`dokiem run --demo` into work/run, the observations before redaction into work/raw."""
    only = criteria_reading(scenarios)
    command = [str(Path(sys.executable).with_name("dokiem")), "run", "--demo", "--no-allure-report",
               "--out", str(work / "run"), "--only", ",".join(only)]
    env = {**os.environ, "PYTEST_PLUGINS": "tests.suites.record_raw", "DOKIEM_RECORD_RAW": str(work / "raw"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, cwd=REPO, env=env, check=False)


def scrub(value):
    """What is secret masked as the evidence masks it: the text of every string (citizen id numbers),
    and a string under a key that names a secret (a token). Unlike the evidence, a dict, a list or
    a number under such a key stays: it is an observation about a secret (how the target answered
    a replayed cookie), not the secret."""
    if isinstance(value, dict):
        return {k: MASK if isinstance(v, str) and v and is_secret_key(k) else scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return Redactor().text(value) if isinstance(value, str) else value


def _origin(run: Path) -> str | None:
    """The address refportal had in the run (a free port each time)."""
    record = json.loads((run / "compliance.json").read_text(encoding="utf-8"))
    return (record["target"].get("base_urls") or {}).get("portal")


def recording(scenario: str, work: Path) -> dict:
    """The scenario's observations in the run, scrubbed and trimmed."""
    source = work / "raw" / f"scenario-{scenario}.json"
    if not source.is_file():
        raise SystemExit(f"{source}: not found — the run did not make scenario {scenario}")
    text = source.read_text(encoding="utf-8")
    origin = _origin(work / "run")
    if origin:  # one name for refportal in every recording, whatever port the run had
        text = text.replace(origin, ORIGIN)
    return TRIM.get(scenario, lambda o: o)(scrub(json.loads(text)))


def write(scenarios: list[str], work: Path) -> list[Path]:
    """Every recording, or none when one of them breaks its schema."""
    made = {scenario: recording(scenario, work) for scenario in scenarios}
    found = [p for scenario, obs in made.items() for p in problems(scenario, obs)]
    if found:
        raise SystemExit("the observations do not match their schema (update the schema first); nothing written:\n"
                         + "\n".join(found))
    for scenario, obs in made.items():
        target = recording_path(scenario)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(obs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [recording_path(scenario) for scenario in made]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.suites.record", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO", help=f"'all' or some of: {', '.join(TOPICS)}")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="make the run in DIR and keep it")
    parser.add_argument("--from", dest="source", type=Path, metavar="DIR",
                        help="take the observations from a run made with --keep DIR (no new run)")
    args = parser.parse_args(argv)
    scenarios = list(TOPICS) if args.scenarios == ["all"] else args.scenarios
    unknown = [s for s in scenarios if s not in TOPICS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)} (known: {', '.join(TOPICS)})")
    with tempfile.TemporaryDirectory(prefix="dokiem-record-") as scratch:
        work = args.source or args.keep or Path(scratch)
        if args.source is None:
            demo_run(set(scenarios), work)
        for target in write(scenarios, work):
            print(f"{target.relative_to(REPO)}: {target.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
