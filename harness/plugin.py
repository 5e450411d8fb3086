"""The dokiem pytest plugin, registered once through the `pytest11` entry point.

It is inert unless a run option (--target or --demo) is given: the harness's own tests and any
other pytest session only see the `check` marker registered.
"""
from __future__ import annotations

RUN_OPTIONS = ("target", "demo")


def pytest_addoption(parser):
    group = parser.getgroup("dokiem", "dokiem: đo kiểm (conformance run)")
    group.addoption("--target", metavar="PROFILE", help="target profile YAML (hồ sơ hệ thống cần đo kiểm)")
    group.addoption("--demo", action="store_true", help="certify the bundled reference portal")
    group.addoption("--edition", metavar="E", help="criteria edition (default: the edition marked default)")
    group.addoption("--only", metavar="IDS", help="comma-separated criterion ids to run")
    group.addoption("--section", metavar="K", help="comma-separated section keys (1-8) to run")
    group.addoption("--attestations", metavar="FILE", help="attestations YAML for manual criteria")
    group.addoption("--out", metavar="DIR", help="output folder (default reports/<timestamp>)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "check(check_id): this test is the check `check_id` of criteria/checks.yaml"
    )


def is_active(config) -> bool:
    return bool(config.getoption("target") or config.getoption("demo"))
