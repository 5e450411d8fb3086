"""What the run decides about each collected test, once, from its `check` marker (any item type):
kept or deselected, its scenario as xdist group, the production-safety skip, the needs the
profile does not meet — and that the outcome is attached for exactly the decided checks."""
from __future__ import annotations

import types

import pytest

from harness import selection
from harness.run import ITEM, DokiemRun, ItemDecision

DECISIONS = {
    "dossier.code_format": selection.CheckDecision("dossier_life", ("mutates",), "not on production (mutates)"),
    "lookup.public": selection.CheckDecision("dossier_life", ("mutates",), None),
    "perf.avg_response": selection.CheckDecision("load_test", ("load",), None),
}


class FakeItem:
    """Stands for any pytest item: what the run reads is its markers and its stash."""

    def __init__(self, *checks, group=None):
        self.marks = [pytest.mark.check(c).mark for c in checks]
        if group:
            self.marks.append(pytest.mark.xdist_group(group).mark)
        self.stash = pytest.Stash()

    def iter_markers(self, name):
        return (m for m in self.marks if m.name == name)

    def get_closest_marker(self, name):
        return next(self.iter_markers(name), None)

    def add_marker(self, mark):
        self.marks.append(mark.mark)


def make_run(not_configured=None):
    run = object.__new__(DokiemRun)  # the decisions need only the inputs and the pre-flight's gaps
    run.inputs = types.SimpleNamespace(decisions=DECISIONS, checks=None)  # no checks.yaml: nothing to reclassify
    run.not_configured = not_configured or {}
    run.traffic = types.SimpleNamespace(refusals={})  # refused nothing
    return run


def collect(run, items):
    deselected = []
    config = types.SimpleNamespace(hook=types.SimpleNamespace(pytest_deselected=lambda items: deselected.extend(items)))
    run.pytest_collection_modifyitems(None, config, items)
    return deselected


def test_a_test_of_no_selected_check_is_deselected_and_the_others_kept():
    kept, other, unmarked = FakeItem("perf.avg_response"), FakeItem("a11y.not_selected"), FakeItem()
    items = [kept, other, unmarked]
    assert collect(make_run(), items) == [other, unmarked]
    assert items == [kept]
    assert kept.stash[ITEM] == ItemDecision(("perf.avg_response",), "load_test", None, ())
    assert kept.get_closest_marker("xdist_group").args == ("load_test",)


def test_a_withheld_check_is_skipped_with_its_reason_and_unmet_needs_are_named():
    item = FakeItem("dossier.code_format", "lookup.public")
    collect(make_run({"lookup.public": ["operation get_dossier is not in the profile"]}), [item])
    decision = item.stash[ITEM]
    assert decision.checks == ("dossier.code_format", "lookup.public")
    assert decision.skip == "not on production (mutates)"
    assert item.get_closest_marker("skip").kwargs["reason"] == decision.skip
    assert decision.unconfigured == ("lookup.public: operation get_dossier is not in the profile",)


def test_a_declared_xdist_group_is_kept():
    item = FakeItem("lookup.public", group="dossier")
    collect(make_run(), [item])
    assert [m.args for m in item.iter_markers("xdist_group")] == [("dossier",)]


def test_the_outcome_is_attached_for_the_decided_checks_only():
    item = FakeItem("lookup.public", "a11y.not_selected")
    collect(make_run(), [item])
    report = types.SimpleNamespace(when="call", outcome="failed", passed=False, skipped=False, user_properties=[],
                                   longrepr="x")
    call = types.SimpleNamespace(excinfo=types.SimpleNamespace(value=AssertionError("no code")))
    wrapper = make_run().pytest_runtest_makereport(item, call)
    next(wrapper)
    with pytest.raises(StopIteration):
        wrapper.send(types.SimpleNamespace(get_result=lambda: report))
    from harness import outcomes

    attached = outcomes.read(report)
    assert (attached["checks"], attached["outcome"], attached["reason"]) == (["lookup.public"], "failed", "no code")
