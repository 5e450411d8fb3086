"""What a run reads before it starts, loaded and validated in one pure step: the checks, the
edition, the selection, the target profile, the attestations, and the decision for every
selected check (scenario, safety). Bad input raises InputError listing every problem.

`dokiem run` validates here before it starts pytest (a refused input costs no plugin start-up) and
hands the loaded inputs to the pytest session it starts (`HandedInputs`, `take_over`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness import criteria, demo_style, editions, selection
from harness.attestations import load_attestations
from harness.profile import Profile, load_profile
from harness.yamlsource import Problem

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_PROFILE = REPO_ROOT / "profiles" / "refportal.yaml"
DEMO_ATTESTATIONS = REPO_ROOT / "profiles" / "refportal.attestations.yaml"


@dataclass
class RunInputs:
    criteria_dir: Path
    demo: bool
    checks: criteria.CheckRegistry
    edition: criteria.Edition
    selection: selection.Selection
    profile: Profile
    attestations: object | None                       # harness.attestations.Attestations
    decisions: dict[str, selection.CheckDecision]     # every selected check

    @property
    def environment(self) -> str:
        return self.profile.environment

    def parameter(self, name: str):
        """An edition parameter as this run uses it (the profile may lower some)."""
        return self.profile.parameter(self.edition, name)

    def withheld(self) -> dict[str, str]:
        """{check: reason} for the selected checks production safety keeps from running."""
        return {check: d.withheld for check, d in self.decisions.items() if d.withheld}


def load_inputs(criteria_dir: Path | None, edition: str | None, only: str | None, section: str | None,
                target: str | None, demo: bool, attestations: str | None, on_date: str | None = None) -> RunInputs:
    """Load and validate everything a run reads (--demo: the bundled profile and attestations;
    --date: the edition in force on that day)."""
    criteria_dir = Path(criteria_dir or REPO_ROOT / "criteria")
    checks = criteria.load_checks(criteria_dir)
    edition_id, why = editions.resolve(criteria_dir, edition, on_date)
    loaded = criteria.load_edition(criteria_dir, edition_id, checks)
    loaded.chosen = why
    chosen = selection.select(loaded, only, section)
    profile = load_profile(demo_style.profile(DEMO_PROFILE) if demo else Path(target), loaded, checks, criteria_dir,
                           check_files=not demo)
    attestations = attestations or (str(DEMO_ATTESTATIONS) if demo and DEMO_ATTESTATIONS.is_file() else None)
    attested = None
    if attestations:
        attested = load_attestations(Path(attestations), loaded, profile.summary())
    decisions = selection.decide(checks, chosen.checks, profile.environment, profile.allowed_flags())
    return RunInputs(criteria_dir, demo, checks, loaded, chosen, profile, attested, decisions)


def bad_input_lines(problems: list) -> list[str]:
    """What a refused run prints: every problem, then the verdict line."""
    return [str(p) for p in problems] + [f"dokiem: dữ liệu đầu vào không hợp lệ, không chạy — bad input, nothing was run "
                                         f"({len(problems)} problem(s))"]


def output_problems(out: str | None, history: str | None) -> list[Problem]:
    """--out must be a new or empty folder that can be made, --history a folder (or not yet there)."""
    problems = []
    out_dir = Path(out).resolve() if out else None
    if out_dir is not None and out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        problems.append(Problem(str(out_dir), 1, 1, "--out", "output folder exists and is not empty (or is a file) — "
                                "thư mục kết quả đã có dữ liệu; choose another --out"))
    if out_dir is not None:
        above = next(parent for parent in out_dir.parents if parent.exists())
        if not above.is_dir():
            problems.append(Problem(str(out_dir), 1, 1, "--out", f"cannot be created: {above} is a file — không tạo "
                                    "được thư mục kết quả; choose another --out"))
    if history and Path(history).exists() and not Path(history).is_dir():
        problems.append(Problem(str(history), 1, 1, "--history", "is a file, not a folder — --history phải là thư mục"))
    return problems


# the pytest options load_inputs reads, in its order
INPUT_OPTIONS = ("criteria_dir", "edition", "only", "section", "target", "demo", "attestations", "on_date")


def input_arguments(criteria_dir, edition, only, section, target, demo, attestations, on_date) -> tuple:
    """load_inputs' arguments as pytest's options hold them (text or None): the hand-over's key."""
    def text(value):
        return str(value) if value else None
    return (text(criteria_dir), text(edition), text(only), text(section), text(target), bool(demo),
            text(attestations), text(on_date))


@dataclass(frozen=True, eq=False)  # a plugin object: hashed by identity
class HandedInputs:
    """Inputs `dokiem run` loaded, handed to the pytest session it starts as a plugin object (so
    they live exactly as long as that session), keyed by load_inputs' arguments."""
    key: tuple
    inputs: RunInputs


def take_over(config, key: tuple) -> RunInputs:
    """The inputs handed to this session for exactly these arguments, else loaded now."""
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, HandedInputs) and plugin.key == key:
            return plugin.inputs
    return load_inputs(*key)
