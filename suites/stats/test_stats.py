"""Checks of the public statistics of dossier handling."""
import pytest

from suites.stats import judges

pytestmark = pytest.mark.xdist_group("dossier")


@pytest.mark.check("stats.page")
def test_page(stats_snapshot):
    judges.judge_page(stats_snapshot)


@pytest.mark.check("stats.json")
def test_json(stats_snapshot):
    judges.judge_json(stats_snapshot)


@pytest.mark.check("stats.agree_with_dossiers")
def test_agree_with_dossiers(stats_snapshot):
    judges.judge_agree(stats_snapshot)
