"""Checks of the api_probe scenario: unknown-code lookup, JSON in UTF-8 and NFC, the API description."""
import pytest

from suites.api import judges


@pytest.mark.check("lookup.unknown_code")
def test_unknown_code(api_probe):
    judges.unknown_code(api_probe)


@pytest.mark.check("api.json_utf8")
def test_json_utf8(api_probe):
    judges.json_utf8(api_probe)


@pytest.mark.check("api.openapi")
def test_openapi(api_probe):
    judges.openapi(api_probe)
