"""The audit log holds the run's logins and dossier actions."""
import pytest

from suites.dossier import judges

pytestmark = pytest.mark.xdist_group("dossier")


@pytest.mark.check("audit.actions_logged")
def test_actions_logged(life):
    judges.audit_actions_logged(life)
