"""Load and validate a campaign file: which targets, how each is run, where the engine is.

Two layers, as for every input: the JSON Schema criteria/schema/campaign.schema.json, then
meaning (unique target ids, files that exist, editions and criteria that exist, each target's
profile valid against its edition). Every problem names file:line:column; all are raised
together, before any run starts, so a typo in target 40 does not surface at 3 a.m.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from harness import criteria, editions, selection
from harness.yamlsource import InputError, Problem, SourceFile, load_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
VIETNAM = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has no summer time
RUN_KEYS = ("edition", "date", "attestations", "only", "section", "workers", "timeout_min", "allure_report", "tags")
DEFAULT_TIMEOUT_MIN = 60


@dataclass
class Target:
    """One system of the campaign and how it is run."""

    id: str
    profile: Path
    system_key: str            # scheme://host:port of its portal: two targets with one key never run at once
    allowed_hours: str | None  # limits.allowed_hours of its profile (Asia/Ho_Chi_Minh)
    edition: str | None = None
    date: str | None = None
    attestations: Path | None = None
    only: list[str] = field(default_factory=list)
    section: list[int] = field(default_factory=list)
    workers: int | None = None
    timeout_min: float = DEFAULT_TIMEOUT_MIN
    allure_report: bool = False
    tags: dict[str, str] = field(default_factory=dict)

    def run_arguments(self, out: Path, history: Path | None) -> list[str]:
        """`dokiem run` arguments of this target (the command itself is the caller's)."""
        argv = ["run", "--target", str(self.profile), "--out", str(out)]
        if self.edition:
            argv += ["--edition", self.edition]
        if self.date:
            argv += ["--date", self.date]
        if self.attestations:
            argv += ["--attestations", str(self.attestations)]
        if self.only:
            argv += ["--only", ",".join(self.only)]
        if self.section:
            argv += ["--section", ",".join(map(str, self.section))]
        if self.workers:
            argv += ["--workers", str(self.workers)]
        if history is not None:
            argv += ["--history", str(history)]
        if not self.allure_report:
            argv.append("--no-allure-report")
        return argv

    def as_message(self) -> dict:
        """What a distributed worker needs (plain JSON)."""
        data = {k: getattr(self, k) for k in ("id", "system_key", "allowed_hours", *RUN_KEYS)}
        data.update(profile=str(self.profile), attestations=str(self.attestations) if self.attestations else None)
        return data

    @classmethod
    def from_message(cls, data: dict) -> "Target":
        data = dict(data)
        data["profile"] = Path(data["profile"])
        data["attestations"] = Path(data["attestations"]) if data.get("attestations") else None
        return cls(**data)

    def window_open(self, now: dt.datetime | None = None) -> bool:
        if not self.allowed_hours:
            return True
        from harness.preflight import _in_window

        return _in_window(self.allowed_hours, (now or dt.datetime.now(VIETNAM)).astimezone(VIETNAM))


@dataclass
class Engine:
    broker: str
    shared_dir: Path
    heartbeat_s: float = 10.0


@dataclass
class Campaign:
    path: Path
    name: str
    targets: list[Target]
    engine: Engine | None


def _subject(path: tuple) -> str:
    return ".".join(str(p) for p in path[:2]) if path else ""


def load_campaign(path: Path, criteria_dir: Path | None = None) -> Campaign:
    """Load, validate and return a campaign; raise InputError listing every problem."""
    criteria_dir = Path(criteria_dir or REPO_ROOT / "criteria")
    source = load_yaml(Path(path))
    validator = criteria.schema_validator(str(criteria.schema_path(criteria_dir, "campaign")))
    problems = criteria.schema_problems(source, validator, _subject)
    problems += criteria.nfc_problems(source, _subject)
    if problems:
        raise InputError(problems)
    targets, problems = _targets(source, criteria_dir)
    if problems:
        # a mistake in `defaults` would otherwise be reported once per target
        unique = {(p.file, p.line, p.column, p.message): p for p in problems}
        raise InputError(list(unique.values()))
    engine = source.data.get("engine")
    return Campaign(Path(path).resolve(), source.data["name"], targets,
                    Engine(engine["broker"], (source.path.parent / engine["shared_dir"]).resolve(),
                           float(engine.get("heartbeat_s", 10))) if engine else None)


def _targets(source: SourceFile, criteria_dir: Path) -> tuple[list[Target], list[Problem]]:
    from harness.profile import load_profile

    data, base = source.data, source.path.parent
    defaults = data.get("defaults") or {}
    problems: list[Problem] = []
    targets: list[Target] = []
    seen: dict[str, int] = {}
    loaded: dict[str | None, tuple] = {}  # edition id -> (edition, checks)

    def where(i: int, key: str) -> tuple:
        return ("targets", i, key) if key in data["targets"][i] else ("defaults", key)

    for i, row in enumerate(data["targets"]):
        settings = {**defaults, **row}
        if row["id"] in seen:
            problems.append(source.problem(("targets", i, "id"), row["id"],
                                           f"duplicate target id (also target {seen[row['id']] + 1}) — mã mục tiêu bị lặp"))
        seen.setdefault(row["id"], i)
        files = {}
        for key in ("profile", "attestations"):
            if settings.get(key):
                file = (base / settings[key]).resolve()
                if not file.is_file():
                    problems.append(source.problem(where(i, key), row["id"],
                                                   f"file not found: {settings[key]} — không tìm thấy tệp "
                                                   "(relative to the campaign file)"))
                files[key] = file
        edition_id = settings.get("edition")
        if settings.get("date"):  # the run takes --date: check here that one edition is in force that day
            try:
                edition_id, _ = editions.resolve(criteria_dir, edition_id, str(settings["date"]))
            except InputError as exc:
                problems.append(source.problem(where(i, "date"), row["id"], "; ".join(
                    p.message for p in exc.problems[:1])))
                continue
        if edition_id not in loaded:
            try:
                checks = criteria.load_checks(criteria_dir)
                loaded[edition_id] = (criteria.load_edition(criteria_dir, edition_id, checks), checks)
            except InputError as exc:
                loaded[edition_id] = None
                problems.append(source.problem(where(i, "edition"), row["id"], "; ".join(
                    p.message for p in exc.problems[:1])))
        if loaded[edition_id] is None or "profile" not in files or not files["profile"].is_file():
            continue
        edition, checks = loaded[edition_id]
        try:
            selection.select(edition, ",".join(settings.get("only") or []) or None,
                             ",".join(map(str, settings.get("section") or [])) or None)
        except InputError as exc:
            problems += [source.problem(where(i, "only" if p.file == "--only" else "section"), row["id"],
                                        f"{p.subject}: {p.message}") for p in exc.problems]
        try:
            profile = load_profile(files["profile"], edition, checks, criteria_dir)
        except InputError as exc:
            problems += exc.problems  # they name the profile's own file, line and column
            continue
        portal = urlsplit(profile.base_url("portal"))
        targets.append(Target(
            id=row["id"], profile=files["profile"], system_key=f"{portal.scheme}://{portal.netloc}".lower(),
            allowed_hours=profile.limits.get("allowed_hours"), edition=edition_id, date=settings.get("date"),
            attestations=files.get("attestations"), only=list(settings.get("only") or []),
            section=list(settings.get("section") or []), workers=settings.get("workers"),
            timeout_min=float(settings.get("timeout_min", DEFAULT_TIMEOUT_MIN)),
            allure_report=bool(settings.get("allure_report", False)),
            tags={**(defaults.get("tags") or {}), **(row.get("tags") or {})}))
    return targets, problems
