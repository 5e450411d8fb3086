"""The checks of this folder judge the `dossier_life` observations (suites/dossier/scenario.py)."""
import pytest

from harness.api import ConfigurationError


@pytest.fixture
def life(request, dokiem, dossier_life):
    """The observations, once the check's declared needs are configured (else ERROR, naming what to add)."""
    unconfigured = dokiem.unconfigured(request.node)
    if unconfigured:
        raise ConfigurationError(unconfigured[0])
    return dossier_life
