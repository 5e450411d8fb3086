"""Print the defect matrix at the end of a session that ran it."""
from . import matrix


def pytest_terminal_summary(terminalreporter):
    if matrix.LAST_TABLE:
        terminalreporter.section("defect matrix — ma trận lỗi cố ý của refportal")
        for line in matrix.LAST_TABLE.splitlines():
            terminalreporter.write_line(line)
