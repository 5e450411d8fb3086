"""dokiem: conformance test harness for Vietnamese one-stop-shop software and public-service portals."""

__version__ = "0.1.0"


class Inconclusive(Exception):
    """A check could not decide. Its outcome is ERROR with this reason, never PASS or FAIL."""
