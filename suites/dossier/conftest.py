"""The checks of this folder judge the `dossier_life` observations (suites/dossier/scenario.py)."""
import pytest


@pytest.fixture
def life(dossier_life):
    """The observations (a check whose declared needs are not configured is ERROR before it gets
    here: harness/gaps.py)."""
    return dossier_life
