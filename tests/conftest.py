"""Shared fixtures of dokiem's own tests: pytest-playwright drives the Chromium dokiem finds."""
import pytest

from harness.browser import context_arguments, launch_arguments


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return launch_arguments(browser_type_launch_args)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return context_arguments(browser_context_args)


# The defect matrix table, printed at the end of a session that ran it. Under xdist the matrix is
# computed in a worker, whose terminal nobody sees: the worker hands the table to the controller
# through xdist's workeroutput. These hooks live here, not in tests/defects/, because the
# controller never loads conftests of folders it does not collect itself.
def pytest_sessionfinish(session):
    from tests.defects import matrix
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and matrix.LAST_TABLE:
        workeroutput["defect_matrix_table"] = matrix.LAST_TABLE


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests.defects import matrix
    table = getattr(node, "workeroutput", {}).get("defect_matrix_table")
    if table:
        matrix.LAST_TABLE = table


def pytest_terminal_summary(terminalreporter):
    from tests.defects import matrix
    if matrix.LAST_TABLE:
        terminalreporter.section("defect matrix — ma trận lỗi cố ý của refportal")
        for line in matrix.LAST_TABLE.splitlines():
            terminalreporter.write_line(line)
