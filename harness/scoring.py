"""Check outcomes → criterion verdicts → section and overall scores → certification → exit code.

The rules (docs/ARCHITECTURE.md, "Outcomes and verdicts"; every one is tested in tests/report/test_scoring.py):

Check outcomes (harness.outcomes, plus one of ours): passed, failed, error, skipped (by the plugin,
with its reason), missing (no test implements the check), not_run (withheld by production
safety, see harness.selection.decide). A check named by a criterion but absent from the results is
missing (not_run when the criterion is outside the selection).

Criterion verdicts, decided in this order:
1. Not selected (--only/--section) → NOT_RUN, excluded from every score.
2. Informative → NOT_RUN ("recorded, not judged"): context, never scored; its checks are still
   listed in the record.
3. optional_feature declared absent by the profile → NOT_APPLICABLE; but a mandatory criterion
   cannot be declared away: FAIL. Nothing else makes a criterion not applicable.
4. Checks (pass_rule `all`, and the automated part of `checks_and_attestation`): any failed →
   FAIL (failing beats error); else any error, missing or skipped → ERROR (error beats pass; a
   missing check is ERROR, never PASS); else any not_run → NOT_RUN with the safety reason; else
   PASS. Empty list of checks on an automated criterion → ERROR.
   pass_rule `any` (alternatives, e.g. e-mail or SMS): at least one passed → PASS (the other
   alternatives' outcomes are kept in the detail; a passed check is positive proof, an erroring
   alternative does not undo it); else the same order as `all`: failed only if every check
   failed, otherwise ERROR / NOT_RUN.
5. checks_and_attestation: checks FAIL → FAIL (an automated FAIL beats any attestation); else an
   attestation `fail` → ATTESTED_FAIL; else checks ERROR → ERROR, NOT_RUN → NOT_RUN; else
   (checks passed) attestation `pass` → ATTESTED_PASS, none → MANUAL_PENDING.
6. manual (no checks): attestation pass → ATTESTED_PASS, fail → ATTESTED_FAIL, none →
   MANUAL_PENDING.
7. A waiver (with its reason; validated in harness.attestations) turns any verdict other than
   PASS, ATTESTED_PASS and NOT_APPLICABLE into WAIVED, keeping the verdict it replaced.

Scores (edition `scoring`, `section_score: weighted_percent`): over the *scored* criteria — selected,
not informative, not NOT_APPLICABLE — earned weight is the weight of PASS, ATTESTED_PASS and WAIVED;
everything else (FAIL, ERROR, NOT_RUN, MANUAL_PENDING, ATTESTED_FAIL) earns 0. ERROR is never
counted as PASS. Section percent = earned / possible of the section; overall likewise; a
population with no weight has no percent (None) and never meets a pass mark.
The pass mark is measured on the mandatory weight for `model: checklist` (the 2018 edition: 100 %
of the mandatory weight) and on all scored weight for `model: points`; `grades` apply to the overall
percent when the edition has them.

Certification: gate `mandatory_all_pass` — every mandatory scored criterion PASS, ATTESTED_PASS or
WAIVED — and the pass mark met; a partial run never certifies; a run with nothing scored never
certifies. A demo run (--demo) is marked as a demonstration: its attestations are the reference
portal's, not a tester's.

Exit code (harness/exitcodes.py): full run — 0 certified; 4 when it would be certified if every
MANUAL_PENDING criterion were attested pass (all that is missing is the tester's part); else 1.
Partial run — 0 when every selected non-informative criterion is PASS, ATTESTED_PASS, WAIVED or
NOT_APPLICABLE (and there is at least one); 4 when the others are only MANUAL_PENDING; else 1.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from harness import credit
from harness.exitcodes import ExitCode
from harness.outcomes import CheckOutcomes

VERDICTS = ("PASS", "FAIL", "ERROR", "NOT_APPLICABLE", "MANUAL_PENDING", "ATTESTED_PASS", "ATTESTED_FAIL",
            "WAIVED", "NOT_RUN")
PASSING = frozenset({"PASS", "ATTESTED_PASS", "WAIVED"})
WAIVABLE = frozenset(VERDICTS) - {"PASS", "ATTESTED_PASS", "NOT_APPLICABLE"}
CHECK_OUTCOMES = ("passed", "failed", "error", "skipped", "missing", "not_run")

VERDICT_LABELS = {  # Vietnamese — English, as the record prints them
    "PASS": "Đạt — Pass",
    "FAIL": "Không đạt — Fail",
    "ERROR": "Không kết luận được — Error (inconclusive)",
    "NOT_APPLICABLE": "Không áp dụng — Not applicable",
    "MANUAL_PENDING": "Chờ đánh giá thủ công — Manual review pending",
    "ATTESTED_PASS": "Đạt (chứng thực) — Attested pass",
    "ATTESTED_FAIL": "Không đạt (chứng thực) — Attested fail",
    "WAIVED": "Được miễn trừ — Waived",
    "NOT_RUN": "Không chạy — Not run",
}


# --------------------------------------------------------------------------- check results

@dataclass
class CheckResult:
    """What the run found for one check: outcome, reason, the tests implementing it, its evidence."""

    check_id: str
    outcome: str                    # one of CHECK_OUTCOMES
    reason: str = ""
    tests: list[dict] = field(default_factory=list)     # CheckOutcomes rows: nodeid, outcome, reason, duration_s
    evidence: list[str] = field(default_factory=list)   # paths relative to the output folder
    coverage: dict | None = None    # what of the check's needs the run exercised (harness/exercise.py)

    def to_dict(self) -> dict:
        data = {"id": self.check_id, "outcome": self.outcome, "reason": self.reason,
                "tests": [dict(t) for t in self.tests], "evidence": list(self.evidence)}
        if self.coverage is not None:
            data["coverage"] = self.coverage
        return data


def build_check_results(outcomes: CheckOutcomes, check_ids: Iterable[str],
                        evidence: dict[str, list[str]] | None = None,
                        withheld: dict[str, str] | None = None) -> dict[str, CheckResult]:
    """CheckResult for every check id, from the run's outcomes and its evidence ({check: paths}).

    `withheld`: checks production safety kept from running ({check: reason}, the run's
    selection.decide); when such a check shows as skipped or missing its outcome is `not_run`.
    """
    withheld = withheld or {}
    evidence = evidence or {}
    results = {}
    for check_id in sorted(set(check_ids)):
        outcome, reason, rows = outcomes.aggregate(check_id)
        if check_id in withheld and outcome in ("skipped", "missing"):
            outcome, reason = "not_run", withheld[check_id]
        results[check_id] = CheckResult(check_id, outcome, reason, rows, list(evidence.get(check_id, [])))
    return results


# --------------------------------------------------------------------------- scorecard

@dataclass
class CriterionResult:
    id: str
    section: int
    verdict: str
    reason: str                      # "Vietnamese — English"
    selected: bool
    scored: bool                     # counts in scores and certification
    mandatory: bool
    weight: float
    informative: bool
    checks: list[CheckResult]
    attestation: object | None = None     # harness.attestations.Attestation
    waiver: object | None = None          # harness.attestations.Waiver
    verdict_before_waiver: str | None = None
    partial_earned: float | None = None   # harness.credit: what a FAIL keeps under partial credit


@dataclass
class SectionScore:
    key: int
    title_vi: str
    title_en: str
    earned: float
    possible: float
    percent: float | None
    counted: list[dict]      # {id, weight, verdict, earned, mandatory}
    excluded: list[dict]     # {id, verdict, why}
    derivation: str


@dataclass
class Scorecard:
    edition_id: str
    model: dict
    demo: bool
    partial: bool
    criteria: dict[str, CriterionResult]
    sections: list[SectionScore]
    overall: dict
    gates: list[dict]
    certification: dict
    exit_code: int

    def verdict(self, criterion_id: str) -> str:
        return self.criteria[criterion_id].verdict

    def counts(self, scored_only: bool = False) -> dict[str, int]:
        counts = {v: 0 for v in VERDICTS}
        for result in self.criteria.values():
            if result.scored or not scored_only:
                counts[result.verdict] += 1
        return counts

    def to_dict(self) -> dict:
        return {
            "model": dict(self.model), "demo": self.demo, "partial": self.partial,
            "sections": [{"key": s.key, "title_vi": s.title_vi, "title_en": s.title_en, "earned": s.earned,
                          "possible": s.possible, "percent": s.percent, "counted": s.counted,
                          "excluded": s.excluded, "derivation": s.derivation} for s in self.sections],
            "overall": dict(self.overall), "gates": [dict(g) for g in self.gates],
            "certification": dict(self.certification), "exit_code": self.exit_code,
        }


def score(edition, selection, check_results: dict[str, CheckResult], features_absent: set[str],
          attestations=None, demo: bool = False) -> Scorecard:
    """Judge every criterion of `edition` and score the run. See the module docstring for the rules.

    edition: criteria.Edition; selection: selection.Selection; check_results: {check id: CheckResult}
    (build_check_results); features_absent: optional features the profile declares absent;
    attestations: harness.attestations.Attestations or None; demo: a --demo run.
    """
    features_absent = set(features_absent or ())
    results: dict[str, CriterionResult] = {}
    for criterion in edition.criteria:
        results[criterion["id"]] = _judge(criterion, selection, check_results, features_absent, attestations)
    credit.apply(edition, results)
    model = dict(edition.scoring)
    sections = [_section_score(s, [r for r in results.values() if r.section == s["key"]]) for s in edition.sections]
    overall = _overall(model, list(results.values()))
    gates = _gates(model, list(results.values()))
    certification = _certification(model, results, overall, gates, selection.partial, demo)
    exit_code = _exit_code(model, results, selection.partial, certification["certified"])
    return Scorecard(edition.id, model, demo, selection.partial, results, sections, overall, gates,
                     certification, exit_code)


# --------------------------------------------------------------------------- one criterion

def _judge(criterion: dict, selection, check_results, features_absent, attestations) -> CriterionResult:
    cid = criterion["id"]
    selected = cid in selection
    if selected:
        absent = ("missing", "chưa có kiểm tra nào cài đặt — no test implements this check yet")
    else:
        absent = ("not_run", "ngoài phạm vi lần chạy — outside this run's selection")
    checks = [check_results.get(c) or CheckResult(c, *absent) for c in criterion["checks"]]
    informative = bool(criterion.get("informative"))
    attestation = attestations.attestation(cid) if attestations is not None and selected else None
    waiver = attestations.waiver(cid) if attestations is not None and selected else None
    base = dict(id=cid, section=criterion["section"], selected=selected, mandatory=bool(criterion["mandatory"]),
                weight=criterion["weight"], informative=informative, checks=checks)

    if not selected:
        return CriterionResult(**base, verdict="NOT_RUN", scored=False,
                               reason="ngoài phạm vi lần chạy (--only/--section) — outside this run's selection")
    if informative:
        return CriterionResult(**base, verdict="NOT_RUN", scored=False,
                               reason="tiêu chí tham khảo: ghi nhận, không đánh giá, không tính điểm — "
                                      "informative: recorded, not judged, never scored")
    verdict, reason = _evaluate(criterion, checks, features_absent, attestation)
    if verdict == "NOT_APPLICABLE":
        return CriterionResult(**base, verdict=verdict, reason=reason, scored=False, attestation=attestation)
    if waiver is not None:
        if verdict in WAIVABLE:
            waived_reason = (f"miễn trừ ({waiver.by}, {waiver.date.isoformat()}"
                             f"{', ' + waiver.reference if waiver.reference else ''}): {waiver.reason} — "
                             f"waived; the verdict without the waiver is {verdict}: {reason}")
            return CriterionResult(**base, verdict="WAIVED", reason=waived_reason, scored=True,
                                   attestation=attestation, waiver=waiver, verdict_before_waiver=verdict)
        reason += " (miễn trừ không cần dùng — the waiver was not needed)"
    return CriterionResult(**base, verdict=verdict, reason=reason, scored=True, attestation=attestation,
                           waiver=waiver)


def _evaluate(criterion: dict, checks: list[CheckResult], features_absent: set[str], attestation) -> tuple[str, str]:
    feature = criterion.get("optional_feature")
    if feature and feature in features_absent:
        if criterion["mandatory"]:
            return "FAIL", (f"hồ sơ khai báo không có tính năng '{feature}' nhưng tiêu chí là bắt buộc — "
                            f"the profile declares feature '{feature}' absent, but the criterion is mandatory")
        return "NOT_APPLICABLE", (f"hồ sơ khai báo không có tính năng '{feature}' — "
                                  f"the profile declares the optional feature '{feature}' absent")

    if not criterion["checks"]:
        if criterion["method"] == "automated":
            return "ERROR", "tiêu chí tự động không có kiểm tra nào — automated criterion names no check"
        return _attested(attestation, "MANUAL_PENDING",
                         "chờ người đo kiểm chứng thực — waiting for the tester's attestation")

    rule = criterion["pass_rule"]
    verdict, reason = _from_checks(checks, rule)
    if rule != "checks_and_attestation":
        return verdict, reason
    if verdict == "FAIL":
        if attestation is not None and attestation.result == "pass":
            reason += " (kiểm tra tự động không đạt thắng chứng thực — the automated FAIL overrides the attestation)"
        return verdict, reason
    if attestation is not None and attestation.result == "fail":
        return "ATTESTED_FAIL", _attestation_reason(attestation)
    if verdict != "PASS":
        return verdict, reason
    return _attested(attestation, "MANUAL_PENDING",
                     "phần tự động đạt, chờ người đo kiểm chứng thực phần thủ công — "
                     "automated part passed; waiting for the tester's attestation of the manual part")


def _attested(attestation, pending: str, pending_reason: str) -> tuple[str, str]:
    if attestation is None:
        return pending, pending_reason
    return ("ATTESTED_PASS" if attestation.result == "pass" else "ATTESTED_FAIL"), _attestation_reason(attestation)


def _attestation_reason(attestation) -> str:
    word = "đạt — pass" if attestation.result == "pass" else "không đạt — fail"
    note = f": {attestation.note}" if attestation.note else ""
    return (f"chứng thực {word} bởi {attestation.tester}, {attestation.date.isoformat()} "
            f"(hết hạn — expires {attestation.expiry.isoformat()}){note}")


def _from_checks(checks: list[CheckResult], rule: str) -> tuple[str, str]:
    def listed(outcomes: tuple[str, ...]) -> str:
        return "; ".join(f"{c.check_id}: {c.outcome}{' — ' + c.reason if c.reason else ''}"
                         for c in checks if c.outcome in outcomes)

    if rule == "any":
        passed = [c.check_id for c in checks if c.outcome == "passed"]
        if passed:
            return "PASS", f"đạt qua — passed through {', '.join(passed)}" + (
                f" (các cách khác — other alternatives: {listed(('failed', 'error', 'skipped', 'missing', 'not_run'))})"
                if len(passed) < len(checks) else "")
        if all(c.outcome == "failed" for c in checks):
            return "FAIL", "không cách nào đạt — no alternative passed: " + listed(("failed",))
    elif any(c.outcome == "failed" for c in checks):
        return "FAIL", listed(("failed",))
    if any(c.outcome in ("error", "skipped", "missing") for c in checks):
        return "ERROR", "không kết luận được — inconclusive: " + listed(("failed", "error", "skipped", "missing"))
    if any(c.outcome == "not_run" for c in checks):
        return "NOT_RUN", listed(("not_run",))
    if checks and all(c.outcome == "passed" for c in checks):
        return "PASS", "mọi kiểm tra đạt — every check passed"
    unknown = [c.check_id for c in checks if c.outcome not in CHECK_OUTCOMES]
    return "ERROR", f"kết quả kiểm tra không xác định — unknown check outcome: {', '.join(unknown) or 'none'}"


# --------------------------------------------------------------------------- scores

def _pct(earned: float, possible: float) -> float | None:
    return round(100.0 * earned / possible, 2) if possible > 0 else None


def _fmt(value: float | None) -> str:
    return "—" if value is None else (f"{value:g}")


def _earned(result: CriterionResult) -> float:
    return result.weight if result.verdict in PASSING else (result.partial_earned or 0)


def _section_score(section: dict, results: list[CriterionResult]) -> SectionScore:
    counted, excluded = [], []
    for r in results:
        if r.scored:
            counted.append({"id": r.id, "weight": r.weight, "verdict": r.verdict, "earned": _earned(r),
                            "mandatory": r.mandatory})
        else:
            why = ("not selected" if not r.selected else "informative" if r.informative else "not applicable")
            excluded.append({"id": r.id, "verdict": r.verdict, "why": why})
    earned = sum(c["earned"] for c in counted)
    possible = sum(c["weight"] for c in counted)
    percent = _pct(earned, possible)
    terms = " + ".join(f"{c['id']} {_fmt(c['earned'])}/{_fmt(c['weight'])} ({c['verdict']})" for c in counted)
    derivation = (f"{terms} = {_fmt(earned)}/{_fmt(possible)} = {_fmt(percent)} %" if counted
                  else "không có tiêu chí nào được tính — no criterion scored")
    return SectionScore(section["key"], section["title_vi"], section["title_en"], earned, possible, percent,
                        counted, excluded, derivation)


def _overall(model: dict, results: list[CriterionResult]) -> dict:
    scored = [r for r in results if r.scored]
    mandatory = [r for r in scored if r.mandatory]
    earned, possible = sum(map(_earned, scored)), sum(r.weight for r in scored)
    m_earned, m_possible = sum(map(_earned, mandatory)), sum(r.weight for r in mandatory)
    percent, m_percent = _pct(earned, possible), _pct(m_earned, m_possible)
    basis = "mandatory_weight" if model["model"] == "checklist" else "all_weight"
    measured = m_percent if basis == "mandatory_weight" else percent
    pass_mark = model["pass_mark_percent"]
    met = measured is not None and measured >= pass_mark
    grade = None
    for g in sorted(model.get("grades") or [], key=lambda g: g["min_percent"], reverse=True):
        if percent is not None and percent >= g["min_percent"]:
            grade = g["grade"]
            break
    basis_text = ("trọng số các tiêu chí bắt buộc — mandatory weight" if basis == "mandatory_weight"
                  else "toàn bộ trọng số được tính — all scored weight")
    return {
        "earned": earned, "possible": possible, "percent": percent,
        "mandatory_earned": m_earned, "mandatory_possible": m_possible, "mandatory_percent": m_percent,
        "scored_criteria": len(scored), "pass_mark_percent": pass_mark, "pass_mark_basis": basis,
        "pass_mark_measured": measured, "pass_mark_met": met, "grade": grade,
        "derivation": (f"Điểm chung — overall: {_fmt(earned)}/{_fmt(possible)} = {_fmt(percent)} %; "
                       f"bắt buộc — mandatory: {_fmt(m_earned)}/{_fmt(m_possible)} = {_fmt(m_percent)} %; "
                       f"điểm chuẩn — pass mark {_fmt(pass_mark)} % đo trên {basis_text}: {_fmt(measured)} % → "
                       + ("đạt — met" if met else "không đạt — not met")
                       + (f"; xếp loại — grade {grade}" if grade else "")),
    }


def _gates(model: dict, results: list[CriterionResult]) -> list[dict]:
    if model["gate"] != "mandatory_all_pass":
        return []
    mandatory = [r for r in results if r.scored and r.mandatory]
    blocking = [{"id": r.id, "verdict": r.verdict} for r in mandatory if r.verdict not in PASSING]
    passing = len(mandatory) - len(blocking)
    text = (f"điều kiện mandatory_all_pass: {passing}/{len(mandatory)} tiêu chí bắt buộc áp dụng Đạt, Đạt (chứng thực) "
            f"hoặc Được miễn trừ — gate mandatory_all_pass: {passing} of {len(mandatory)} mandatory applicable "
            "criteria are PASS, ATTESTED_PASS or WAIVED → "
            + ("không thỏa — fired: " + ", ".join(f"{b['id']} {b['verdict']}" for b in blocking)
               if blocking else "thỏa — satisfied"))
    return [{"gate": "mandatory_all_pass", "fired": bool(blocking), "criteria": blocking, "text": text}]


def _certification(model, results, overall, gates, partial: bool, demo: bool) -> dict:
    reasons = []
    if partial:
        reasons.append("lần chạy một phần (--only/--section) không cấp chứng nhận — a partial run never certifies")
    if overall["scored_criteria"] == 0:
        reasons.append("không có tiêu chí nào được tính điểm — no criterion was scored")
    for gate in gates:
        if gate["fired"]:
            reasons.append(f"{len(gate['criteria'])} tiêu chí bắt buộc chưa đạt (xem cách tính) — "
                           f"{len(gate['criteria'])} mandatory criteria are not passing (see the derivation)")
    if not overall["pass_mark_met"]:
        reasons.append(f"chưa đạt điểm chuẩn — pass mark not met: {_fmt(overall['pass_mark_measured'])} % "
                       f"< {_fmt(overall['pass_mark_percent'])} %")
    certified = not reasons
    if certified:
        reasons.append("mọi điều kiện chứng nhận đều thỏa — every condition for certification is met")
    if demo:
        reasons.append("BẢN TRÌNH DIỄN: chứng thực là của cổng tham chiếu, không phải của người đo kiểm; "
                       "không có giá trị chứng nhận — DEMONSTRATION: the attestations are the reference portal's, "
                       "not a tester's; this is not a certificate")
    return {"certified": certified, "demonstration": demo, "partial": partial, "reasons": reasons,
            "derivation": [g["text"] for g in gates] + [overall["derivation"]]}


def _exit_code(model, results: dict[str, CriterionResult], partial: bool, certified: bool) -> int:
    scored = [r for r in results.values() if r.scored]
    if partial:
        selected = [r for r in results.values() if r.selected and not r.informative]
        if selected and all(r.verdict in PASSING | {"NOT_APPLICABLE"} for r in selected):
            return ExitCode.CERTIFIED
        if scored and all(r.verdict in PASSING | {"NOT_APPLICABLE", "MANUAL_PENDING"} for r in selected):
            return ExitCode.MANUAL_PENDING
        return ExitCode.NOT_CERTIFIED
    if certified:
        return ExitCode.CERTIFIED
    if any(r.verdict == "MANUAL_PENDING" for r in scored):
        hypothetical = {cid: _as_attested(r) for cid, r in results.items()}
        overall = _overall(model, list(hypothetical.values()))
        gates = _gates(model, list(hypothetical.values()))
        if _certification(model, hypothetical, overall, gates, partial, False)["certified"]:
            return ExitCode.MANUAL_PENDING
    return ExitCode.NOT_CERTIFIED


def _as_attested(result: CriterionResult) -> CriterionResult:
    if result.scored and result.verdict == "MANUAL_PENDING":
        return CriterionResult(**{**result.__dict__, "verdict": "ATTESTED_PASS"})
    return result


__all__ = ["CheckResult", "CriterionResult", "Scorecard", "SectionScore", "VERDICTS", "PASSING", "VERDICT_LABELS",
           "build_check_results", "score"]
