"""The access-control checks on a dossier: thin calls of the judges over `access_probe`."""
import pytest

from suites.access import judges

# the probe submits and drives a dossier: keep it on the worker that drives dossiers, so the
# statistics and packet order the dossier scenarios judge are not disturbed (OBSERVATIONS.md)
pytestmark = pytest.mark.xdist_group("dossier")


@pytest.mark.check("access.cross_citizen")
def test_cross_citizen(access_probe):
    judges.cross_citizen(access_probe)


@pytest.mark.check("access.roles")
def test_roles(access_probe):
    judges.roles(access_probe)
