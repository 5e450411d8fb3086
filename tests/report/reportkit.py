"""Builders for scoring and report tests: the mini edition extended, check results, attestations, records.

A module of its own (not conftest) so `from reportkit import …` cannot pick up another folder's conftest.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from harness import criteria, report, scoring, selection
from harness.attestations import Attestation, Attestations, EvidenceFile, Waiver
from harness.scoring import CheckResult

REPO = Path(__file__).resolve().parent.parent.parent
MINI = REPO / "tests" / "criteria" / "mini-criteria"
TODAY = dt.date(2026, 3, 10)

# Criteria the mini edition lacks, appended to its section 2 in a temporary copy:
# an `any` rule, an automated `all` over two checks, a mandatory criterion with an optional
# feature (declaring it absent must FAIL) and a mandatory partial criterion.
EXTRA_CRITERIA = """
  - id: HS-03
    title_vi: Thông báo qua thư điện tử hoặc tin nhắn
    title_en: Notified by e-mail or SMS
    requirement: Người nộp được thông báo qua thư điện tử hoặc tin nhắn.
    requirement_en: Applicants are notified by e-mail or SMS.
    applies_to: [dvc]
    basis: ["NĐ 61/2018/NĐ-CP"]
    provenance: {source: inferred}
    mandatory: true
    lab_policy: "Căn cứ suy luận — basis inferred"
    weight: 2
    method: automated
    checks: [dossier.code_format, lookup.public]
    pass_rule: any
  - id: HS-04
    title_vi: Tra cứu nhanh
    title_en: Fast lookup
    requirement: Tra cứu trả lời nhanh.
    requirement_en: Lookups answer fast.
    applies_to: [dvc]
    basis: ["TT 22/2019/TT-BTTTT"]
    provenance: {source: inferred}
    mandatory: false
    weight: 1
    method: automated
    checks: [lookup.public, perf.avg_response]
    pass_rule: all
  - id: HS-05
    title_vi: Gửi kết quả qua bưu chính
    title_en: Results by post
    requirement: Trả kết quả qua dịch vụ bưu chính công ích.
    requirement_en: Results are returned by post.
    applies_to: [mcdt]
    basis: ["QĐ 45/2016/QĐ-TTg"]
    provenance: {source: successor}
    mandatory: true
    weight: 1
    method: automated
    checks: [lookup.public]
    pass_rule: all
    optional_feature: postal
  - id: HS-06
    title_vi: Tiếp nhận hồ sơ tại quầy
    title_en: Counter intake
    requirement: Cán bộ tiếp nhận hồ sơ tại quầy và cấp mã hồ sơ.
    requirement_en: Officers take dossiers at the counter and give them a code.
    applies_to: [mcdt]
    basis: ["NĐ 61/2018/NĐ-CP Điều 15"]
    provenance: {source: successor, note: phần mã hồ sơ thấy trong văn bản}
    mandatory: true
    weight: 2
    method: partial
    checks: [dossier.code_format]
    pass_rule: checks_and_attestation
    evidence:
      vi: Ảnh chụp màn hình tiếp nhận tại quầy.
      en: Screenshots of counter intake.
"""

ALL_CHECKS = ("dossier.code_format", "lookup.public", "perf.avg_response")


def results(outcomes: dict[str, str], evidence: dict[str, list[str]] | None = None) -> dict[str, CheckResult]:
    """{check: outcome} → CheckResults with a reason for every outcome but passed."""
    evidence = evidence or {}
    return {cid: CheckResult(cid, outcome, "" if outcome == "passed" else f"lý do {outcome} — reason {outcome}",
                             [{"nodeid": f"suites/t/test_{cid}.py::test", "outcome": outcome, "reason": "",
                               "duration_s": 0.01}], evidence.get(cid, []))
            for cid, outcome in outcomes.items()}


def passing() -> dict[str, CheckResult]:
    return results({c: "passed" for c in ALL_CHECKS})


def attestations(*entries, waivers=(), path: Path = Path("attestations.yaml")) -> Attestations:
    """Attestations built directly (scoring tests); entries are (criterion, "pass"|"fail")."""
    made = {cid: Attestation(cid, result, "Nguyễn Văn An", TODAY, TODAY + dt.timedelta(days=365),
                             "đã xem tại chỗ", (EvidenceFile("a.png", Path("/nonexistent/a.png"), "0" * 64),),
                             f"{path}:1:1")
            for cid, result in entries}
    waived = {cid: Waiver(cid, reason, "Trần Thị Bình", TODAY, TODAY + dt.timedelta(days=90), "CV 12/STTTT",
                          f"{path}:9:1")
              for cid, reason in waivers}
    return Attestations(path, "0" * 64, "mini", {"vendor": "A", "system": "B", "version": "1"}, made, waived)


def judge(edition, outcomes=None, absent=(), attested=None, only=None, section=None, demo=False):
    chosen = selection.select(edition, only=only, section=section)
    return scoring.score(edition, chosen, passing() if outcomes is None else outcomes, set(absent), attested, demo)


TARGET = {"id": "cong-dvc-b", "vendor": "Công ty Cổ phần A", "system": "Cổng DVC tỉnh B", "version": "2.3.1",
          "environment": "staging", "systems": ["dvc", "mcdt"], "base_urls": {"dvc": "https://dvc.example.vn"},
          "profile_path": "profiles/b.yaml", "profile_sha256": "a" * 64, "features_absent": [],
          "authorisation": None, "allowed_flags": ["mutates", "intrusive", "load"], "lowered_parameters": {}}


def record(edition, card, check_results, *, demo=False, partial=False, target=None, **extra) -> report.RunRecord:
    started = dt.datetime(2026, 3, 10, 8, 0, 0, tzinfo=dt.timezone.utc)
    return report.RunRecord(
        run_id="20260310-080000-abc123", started=started, finished=started + dt.timedelta(minutes=7, seconds=3),
        harness_version="0.1.0", demo=demo, command=["dokiem", "run", "--target", "profiles/b.yaml"],
        partial=partial, edition=edition, checks=criteria.load_checks(edition.folder.parent),
        target=dict(target or TARGET), scorecard=card, check_results=check_results, **extra)
