"""refportal/defects.yaml against the criteria: its checks exist, must_fail is exactly what those
checks make FAIL in the cv255-2018 edition, may_change is disjoint and explained, every section and
check family is covered, and every defect is asked for in the code (and only those)."""
from __future__ import annotations

import re

import pytest
import yaml

from harness import criteria
from refportal import defects
from tests.refportal.conftest import REPO

FAMILIES = ("catalogue", "levels", "dossier", "packets", "lookup", "access", "feedback", "stats", "notify", "audit",
            "navigation", "search", "a11y", "security", "perf", "api")


@pytest.fixture(scope="module")
def edition():
    checks = criteria.load_checks(REPO / "criteria")
    return criteria.load_edition(REPO / "criteria", "cv255-2018", checks), checks


def derived_must_fail(edition, checks_of_defect: tuple[str, ...]) -> list[str]:
    """Scored criteria that FAIL when these checks fail: any of their checks under pass_rule all or
    checks_and_attestation (an automated FAIL beats an attestation), all of them under any."""
    found = []
    for criterion in edition.criteria:
        if criterion.get("informative") or not criterion["checks"]:
            continue
        named = set(criterion["checks"])
        if criterion["pass_rule"] == "any":
            if named <= set(checks_of_defect):
                found.append(criterion["id"])
        elif named & set(checks_of_defect):
            found.append(criterion["id"])
    return found


def test_registry_has_enough_defects_with_descriptions():
    registry = defects.registry()
    assert len(registry) >= 25
    for d in registry.values():
        vi, en = d.description.split(" — ", 1)
        assert vi.strip() and en.strip() and re.search(r"[à-ỹđ]", vi), d.name


def test_must_fail_is_derived_from_the_checks(edition):
    ed, checks = edition
    ids = {c["id"] for c in ed.criteria}
    for d in defects.registry().values():
        for check in d.checks:
            assert check in checks.checks, f"{d.name}: unknown check {check}"
        assert list(d.must_fail) == derived_must_fail(ed, d.checks), d.name
        moved = [c for c, _ in d.may_change]
        assert set(moved) <= ids, f"{d.name}: may_change names an unknown criterion"
        assert not set(moved) & set(d.must_fail), f"{d.name}: a criterion is both must_fail and may_change"
        assert len(set(moved)) == len(moved), d.name


def test_every_section_and_check_family_is_covered(edition):
    ed, _ = edition
    section_of = {c["id"]: c["section"] for c in ed.criteria}
    registry = defects.registry().values()
    sections = {section_of[c] for d in registry for c in d.must_fail}
    assert sections == {s["key"] for s in ed.sections} and len(sections) == 8
    families = {check.split(".")[0] for d in registry for check in d.checks}
    assert set(FAMILIES) <= families | {"survey"}, set(FAMILIES) - families


def test_the_derivation_rule_itself(edition):
    """The rule is not vacuous: a check of an 'all' criterion makes it fail, one of two checks of an
    'any' criterion does not."""
    ed, _ = edition
    assert "DVC-22" not in derived_must_fail(ed, ("notify.sms",))            # any: mail still passes
    assert "DVC-22" in derived_must_fail(ed, ("notify.sms", "notify.mail"))
    assert "MC-16" in derived_must_fail(ed, ("notify.mail",))                # checks_and_attestation
    assert "NFR-11" not in derived_must_fail(ed, ("a11y.english_page",))     # informative


def _code_and_templates() -> str:
    sources = [p.read_text("utf-8") for p in (REPO / "refportal").rglob("*.py")]
    sources += [p.read_text("utf-8") for p in (REPO / "refportal/templates").rglob("*.html")]
    return "\n".join(sources)


def test_every_defect_is_asked_for_in_the_code_and_nothing_else_is():
    text = _code_and_templates()
    asked = set(re.findall(r"""defects\.on\(["']([a-z0-9-]+)["']\)""", text))
    asked |= set(re.findall(r"""defect\(["']([a-z0-9-]+)["']\)""", text))
    asked |= set(re.findall(r"""switch\(\[?["']([a-z0-9-]+)["']""", text))
    assert asked <= set(defects.names()), asked - set(defects.names())
    assert set(defects.names()) <= asked, set(defects.names()) - asked


def test_registry_errors_name_the_file_entry_and_field(tmp_path):
    good = {"name": "x-y", "description": "Tiếng Việt — English", "checks": ["a11y.lang"], "must_fail": [],
            "may_change": []}
    for change, field in (({"name": "X Y"}, ".name"), ({"description": "no dash"}, "x-y.description"),
                          ({"checks": []}, "x-y.checks"), ({"must_fail": ["mc-1"]}, "x-y.must_fail"),
                          ({"may_change": [{"criterion": "MC-01"}]}, "x-y.may_change"), ({"extra": 1}, "unknown keys")):
        path = tmp_path / "defects.yaml"
        path.write_text(yaml.safe_dump({"defects": [{**good, **change}]}, allow_unicode=True), "utf-8")
        with pytest.raises(defects.RegistryError) as error:
            defects.load_registry(path)
        assert str(path) in str(error.value) and field in str(error.value) and "—" in str(error.value), change
    path.write_text(yaml.safe_dump({"defects": [good]}, allow_unicode=True), "utf-8")
    assert list(defects.load_registry(path)) == ["x-y"]


def test_asking_for_an_unknown_defect_is_a_programming_error():
    with pytest.raises(KeyError):
        defects.on("khong-co-loi-nay")
    with pytest.raises(defects.UnknownDefect) as error:
        defects.check_names(["no-lang", "khong-co"])
    assert error.value.unknown == ["khong-co"] and "no-receipt" in error.value.known
