"""A check's binding in checks.yaml (judge, observes, args) and the judging vocabulary its judges use."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness import check_binding, criteria
from harness.judging import AND_MORE_SEE_OBSERVATIONS, fail_if

REPO = Path(__file__).resolve().parents[2]
CHECKS = criteria.load_checks(REPO / "criteria")


def test_every_check_of_the_repository_is_bound_to_a_judge_in_its_prefix_folder():
    assert check_binding.problems(CHECKS) == []
    assert set(check_binding.implemented(CHECKS)) == set(CHECKS.checks)


SEEN: list[tuple] = []


def recording_judge(*args) -> None:
    SEEN.append(args)


def test_the_judge_gets_the_observations_then_its_arguments_in_order():
    judge = f"{__name__}:recording_judge"
    check = criteria.Check("x.y", {"id": "x.y", "scenario": "sc", "judge": judge, "observes": "obs",
                                   "args": ["param:a.b:float", "param:c", "target:holidays", "fixture:extra",
                                            "value:agency"]}, ("checks.yaml", 1, 1))
    bound = check_binding.binding(check)
    assert bound.fixture_names() == ["obs", "param", "target", "extra"]
    SEEN.clear()
    class Target:
        holidays = ["2026-09-02"]

    bound.call({"obs": {"o": 1}, "param": {"a.b": 5, "c": "x"}.get, "target": Target(), "extra": "E"})
    assert SEEN == [({"o": 1}, 5.0, "x", ["2026-09-02"], "E", "agency")]
    assert isinstance(SEEN[0][1], float)


def test_a_check_without_a_judge_is_not_bound():
    check = criteria.Check("x.y", {"id": "x.y", "scenario": "sc"}, ("checks.yaml", 1, 1))
    assert check_binding.binding(check) is None


# --- fail_if keeps the messages the suites gave before they shared it ------------------------

PROBLEMS = [f"p{i}" for i in range(1, 18)]


def message(*args, **kwargs) -> str:
    with pytest.raises(AssertionError) as caught:
        fail_if(*args, **kwargs)
    return str(caught.value)


def test_nothing_wrong_is_no_failure():
    fail_if([], "vi", "en")


def test_a_headline_in_two_languages_the_first_fifteen_and_a_count():
    text = message(PROBLEMS, "Sai", "wrong", more=AND_MORE_SEE_OBSERVATIONS)
    assert text == ("Sai — wrong:\n" + "\n".join(f"- p{i}" for i in range(1, 16))
                    + "\n… và 2 vấn đề khác — and 2 more (xem observations.json — see observations.json)")


def test_a_headline_as_written_and_every_problem():
    assert message(["a", "b"], "Tiêu đề — title:", first=None) == "Tiêu đề — title:\n- a\n- b"


def test_without_a_headline_each_problem_is_a_sentence_on_its_own_line():
    assert message(["hồ sơ 1: sai", "hồ sơ 2: sai"], first=None) == "hồ sơ 1: sai\nhồ sơ 2: sai"


def test_the_count_can_be_a_list_item():
    text = message(["a", "b", "c"], "T:", first=2, more="- … và {n} mục khác — and {n} more")
    assert text == "T:\n- a\n- b\n- … và 1 mục khác — and 1 more"
