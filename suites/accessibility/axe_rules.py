"""axe-core rule ids → TT 32/2017 Điều 18 points and WCAG 2.0 success criteria (axe_rules.yaml).

Also: which axe tags a WCAG level means. A mistake in the mapping file is reported as
file:line:column naming the rule and the field (harness.yamlsource), like every YAML dokiem reads.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness.yamlsource import InputError, load_yaml

RULES_FILE = Path(__file__).with_name("axe_rules.yaml")
WCAG_TAGS = {"A": ["wcag2a"], "AA": ["wcag2a", "wcag2aa"], "AAA": ["wcag2a", "wcag2aa", "wcag2aaa"]}
SUCCESS_CRITERION = re.compile(r"^[1-4]\.[1-9]\.[1-9][0-9]?$")
OUTSIDE_POINTS_VI = "ngoài các điểm a–d của Điều 18"
OUTSIDE_POINTS_EN = "outside Art. 18(a)–(d)"


@dataclass(frozen=True)
class RuleMap:
    points: dict[str, dict[str, str]]   # "a" -> {"vi", "en"}
    rules: dict[str, dict[str, list[str]]]  # rule id -> {"tt32": [...], "wcag": [...]}

    def describe(self, rule_id: str, tags: list[str] | None = None) -> dict:
        """Điều 18 points and WCAG criteria of one axe rule, as the record shows them."""
        entry = self.rules.get(rule_id)
        points = list(entry["tt32"]) if entry else []
        wcag = list(entry["wcag"]) if entry else wcag_from_tags(tags or [])
        legal_vi = "; ".join(self.points[p]["vi"] for p in points) or f"TT 32/2017: {OUTSIDE_POINTS_VI}"
        legal_en = "; ".join(self.points[p]["en"] for p in points) or f"TT 32/2017: {OUTSIDE_POINTS_EN}"
        criteria = f"WCAG 2.0 {', '.join(wcag) or '—'}"
        return {"rule": rule_id, "tt32": points, "wcag": wcag, "mapped": entry is not None,
                "text": f"{legal_vi} ({legal_en}); {criteria}",
                "text_vi": f"{legal_vi}; {criteria}", "text_en": f"{legal_en}; {criteria}"}


def wcag_from_tags(tags: list[str]) -> list[str]:
    """axe's success-criterion tags as numbers: "wcag143" -> "1.4.3", "wcag1412" -> "1.4.12"."""
    found = []
    for tag in tags:
        match = re.fullmatch(r"wcag(\d)(\d)(\d{1,2})", tag)
        if match:
            found.append(".".join(match.groups()))
    return found


def axe_tags(level: str) -> list[str]:
    """The axe tags that run the rules of a WCAG 2.0 level (edition parameter a11y.wcag_level)."""
    tags = WCAG_TAGS.get(str(level).strip().upper())
    if tags is None:
        raise ValueError(f"a11y.wcag_level '{level}' is not A, AA or AAA — tham số a11y.wcag_level phải là "
                         "A, AA hoặc AAA; fix the edition (edition.yaml parameters)")
    return tags


def load(path: Path = RULES_FILE) -> RuleMap:
    """Read and check the mapping; InputError lists every problem as file:line:column."""
    source = load_yaml(path)
    data = source.data if isinstance(source.data, dict) else {}
    problems = []

    def problem(where: tuple, subject: str, message: str) -> None:
        problems.append(source.problem(where, subject, message))

    points = data.get("points")
    if not isinstance(points, dict) or not points:
        problem(("points",), "points", "needs a mapping of Điều 18 points to {vi, en} — cần khai báo các điểm")
        points = {}
    for key, text in points.items():
        if not isinstance(text, dict) or not all(isinstance(text.get(lang), str) and text.get(lang)
                                                 for lang in ("vi", "en")):
            problem(("points", key), f"points.{key}", "needs vi and en texts — cần có vi và en")
    rules = data.get("rules")
    if not isinstance(rules, dict) or not rules:
        problem(("rules",), "rules", "needs a mapping of axe rule ids — cần khai báo các quy tắc axe")
        rules = {}
    clean: dict[str, dict[str, list[str]]] = {}
    for rule_id, entry in rules.items():
        if not isinstance(entry, dict):
            problem(("rules", rule_id), f"rules.{rule_id}", "needs {tt32: [...], wcag: [...]} — sai cấu trúc")
            continue
        unknown = sorted(set(entry) - {"tt32", "wcag"})
        if unknown:
            problem(("rules", rule_id, unknown[0]), f"rules.{rule_id}",
                    f"unknown field '{unknown[0]}' — trường không hợp lệ; use tt32 and wcag")
        tt32, wcag = entry.get("tt32"), entry.get("wcag")
        if not isinstance(tt32, list) or any(p not in points for p in tt32):
            problem(("rules", rule_id, "tt32"), f"rules.{rule_id}.tt32",
                    f"must be a list of points among {sorted(points)} (empty: outside them) — "
                    "tt32 phải là danh sách các điểm đã khai báo")
            tt32 = []
        if not isinstance(wcag, list) or not wcag or any(not SUCCESS_CRITERION.match(str(w)) for w in wcag):
            problem(("rules", rule_id, "wcag"), f"rules.{rule_id}.wcag",
                    'must list WCAG success criteria like "1.4.3" — wcag phải là danh sách tiêu chí thành công')
            wcag = []
        clean[str(rule_id)] = {"tt32": [str(p) for p in tt32], "wcag": [str(w) for w in wcag]}
    if problems:
        raise InputError(problems)
    return RuleMap({str(k): dict(v) for k, v in points.items()}, clean)
