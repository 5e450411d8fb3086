"""Online service levels 3 and 4 as delivered for the run's dossier (NĐ 43/2011)."""
import pytest

from suites.dossier import judges

pytestmark = pytest.mark.xdist_group("dossier")


@pytest.mark.check("levels.online_submission")
def test_online_submission(life):
    judges.online_submission(life)


@pytest.mark.check("levels.online_payment")
def test_online_payment(life):
    judges.online_payment(life)


@pytest.mark.check("levels.e_result")
def test_e_result(life):
    judges.e_result(life)
