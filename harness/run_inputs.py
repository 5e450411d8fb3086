"""What a run reads before it starts, loaded and validated in one pure step: the checks, the
edition, the selection, the target profile, the attestations, and the decision for every
selected check (scenario, safety). Bad input raises InputError listing every problem."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness import criteria, demo_style, editions, selection
from harness.attestations import load_attestations
from harness.profile import Profile, load_profile

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
