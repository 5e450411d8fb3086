"""Looking up the run's dossiers: public by code, without personal data; the e-result for its owner only."""
import pytest

from suites.dossier import judges

pytestmark = pytest.mark.xdist_group("dossier")


@pytest.mark.check("lookup.public_by_code")
def test_public_by_code(life):
    judges.lookup_public_by_code(life)


@pytest.mark.check("lookup.minimal_disclosure")
def test_minimal_disclosure(life):
    judges.lookup_minimal_disclosure(life)


@pytest.mark.check("lookup.e_result")
def test_e_result(life):
    judges.lookup_e_result(life)
