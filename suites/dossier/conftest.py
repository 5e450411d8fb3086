"""The checks of this folder judge the `dossier_life` observations (suites/dossier/scenario.py)."""
import pytest

from harness.api import ConfigurationError


@pytest.fixture
def life(request, dokiem, dossier_life):
    """The observations, once the check's declared needs are configured (else ERROR, naming what to add)."""
    for mark in request.node.iter_markers("check"):
        missing = dokiem.not_configured.get(mark.args[0]) or []
        if missing:
            raise ConfigurationError(f"{mark.args[0]}: " + "; ".join(missing))
    return dossier_life
