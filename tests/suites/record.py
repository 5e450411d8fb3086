"""Turn a real run's scenario observations into the small recordings the negative proofs replay.

    .venv/bin/python -m pytest suites/packets suites/notify suites/stats suites/feedback --demo \
        --out /tmp/rec
    .venv/bin/python -m tests.suites.record /tmp/rec

Writes tests/suites/<topic>/recorded/<scenario>.json. The evidence is already redacted; on top of
that the simulator's session tokens (masked in the evidence) are given stand-in names again, in
the order the authentications issued them, so the session judge can tell them apart; long texts
and lists are cut to what the judges read.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOPICS = {"packet_log": "packets", "notifications": "notify", "stats_snapshot": "stats",
          "feedback_flow": "feedback", "survey_flow": "feedback"}


def _tokens(records: list[dict]) -> None:
    """Each call carries the token of the newest accepted authentication before it."""
    current = None
    for n, record in enumerate(sorted(records, key=lambda r: r["seq"])):
        if record["kind"] == "auth" and isinstance(record.get("response"), dict) \
                and str(record["response"].get("error_code")) == "0":
            current = f"phien-{n}"
            record["response"]["session"] = current
        elif record["kind"] == "packet" and isinstance(record.get("request"), dict):
            record["request"]["session"] = current


def trim_packet_log(data: dict) -> dict:
    _tokens(data["records"])
    for record in data["records"]:
        if isinstance(record.get("response"), dict) and isinstance(record["response"].get("message"), str):
            record["response"]["message"] = record["response"]["message"][:80]
        if record["service"] == "LayThuTuc" and isinstance(record.get("response"), dict):
            for item in record["response"].get("result") or []:
                for key in ("TRINHTUTHUCHIEN", "THANHPHANHOSO", "CANCUPHAPLY", "CACHTHUCTHUCHIEN", "YEUCAU",
                            "MOTADOITUONGTHUCHIEN", "KETQUATHUCHIEN"):
                    item.pop(key, None)
    data["errors"] = data.get("errors", [])[:5]
    return data


def trim_notifications(data: dict) -> dict:
    for message in data.get("messages", []) + data.get("apology_messages", []):
        message["text"] = message["text"][:400]
    return data


def trim_stats(data: dict) -> dict:
    page = data.get("page") or {}
    page["labels"] = (page.get("labels") or [])[:40]
    page["cells"] = (page.get("cells") or [])[:30]
    return data


TRIM = {"packet_log": trim_packet_log, "notifications": trim_notifications, "stats_snapshot": trim_stats}


def main(out_dir: str) -> None:
    for scenario, topic in TOPICS.items():
        source = Path(out_dir) / "evidence" / f"scenario-{scenario}" / "observations.json"
        data = json.loads(source.read_text(encoding="utf-8"))
        data = TRIM.get(scenario, lambda d: d)(data)
        target = HERE / topic / "recorded" / f"{scenario}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{target.relative_to(HERE.parent.parent)}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
