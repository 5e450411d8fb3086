"""Repository-level pytest configuration.

The dokiem plugin itself is registered through the `pytest11` entry point (harness.plugin), never
here. This file only keeps collection to what is meant to be collected: the reference portal,
Node packages and run outputs hold no tests, and suites/ (the checks) is collected only in a
conformance run (--target or --demo), never as part of dokiem's own tests.
"""
from pathlib import Path

collect_ignore_glob = ["refportal/*", "node_modules/*", "reports/*", "bench/*", ".venv/*"]

SUITES = Path(__file__).parent / "suites"


def pytest_ignore_collect(collection_path, config):
    if SUITES in (collection_path, *collection_path.parents):
        if not (config.getoption("target", None) or config.getoption("demo", None)):
            return True
    return None
