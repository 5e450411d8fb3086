"""Repository-level pytest configuration.

The dokiem plugin itself is registered through the `pytest11` entry point (harness.plugin), never
here. This file only keeps collection to what is meant to be collected: the reference portal,
the Node packages and run outputs hold no tests.
"""

collect_ignore_glob = ["refportal/*", "node_modules/*", "reports/*", "bench/*", ".venv/*"]
