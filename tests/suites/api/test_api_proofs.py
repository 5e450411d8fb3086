"""Proofs of the api_probe checks on the clean refportal recording, with one fault each."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

import pytest

from harness import Inconclusive
from suites.api import judges
from suites.api.observe import unknown_codes
from suites.lookup import judges as lookup_judges
from tests.suites.recordings import parameter, recorded


@pytest.fixture
def good():
    return recorded("api_probe")


def _rewrite(answer: dict, change) -> None:
    data = json.loads(answer["body"])
    change(data)
    answer["body"] = json.dumps(data, ensure_ascii=False)


# ------------------------------------------------------------------------- lookup.unknown_code

def test_the_probe_codes_are_well_formed_and_the_recording_looked_them_up(good):
    pattern = parameter("dossier.code_pattern")
    codes = unknown_codes("000.00.10.H29", dt.date(2026, 11, 25))
    assert codes == ["000.00.10.H29-261125-9999", "000.00.10.H29-000101-0001"]
    assert all(re.fullmatch(pattern, code) for code in codes)
    assert [lookup["answer"]["status"] for lookup in good["unknown_lookups"]] == [404, 404]


def test_unknown_code_passes_on_the_clean_recording(good):
    lookup_judges.unknown_code(good)


@pytest.mark.proves("lookup.unknown_code")
def test_unknown_code_fails_on_a_server_error(good):
    good["unknown_lookups"][0]["answer"].update(status=500, ok=False, body="Internal Server Error")
    with pytest.raises(AssertionError, match="HTTP 500"):
        lookup_judges.unknown_code(good)


@pytest.mark.proves("lookup.unknown_code")
def test_unknown_code_fails_when_a_dossier_comes_back(good):
    answer = good["unknown_lookups"][1]["answer"]
    answer.update(status=200, ok=True, vars={"status_label": "Đang giải quyết"},
                  body='{"code": "000.00.10.H29-261120-0003", "status_label": "Đang giải quyết"}')
    with pytest.raises(AssertionError, match="answers with a dossier"):
        lookup_judges.unknown_code(good)


@pytest.mark.proves("lookup.unknown_code")
def test_unknown_code_fails_on_an_answer_that_does_not_say_not_found(good):
    good["unknown_lookups"][0]["answer"].update(status=200, ok=True, vars={}, body="{}")
    with pytest.raises(AssertionError, match="no clear 'not found'"):
        lookup_judges.unknown_code(good)


def test_a_200_that_says_not_found_in_vietnamese_is_clear(good):
    good["unknown_lookups"][0]["answer"].update(status=200, ok=True, vars={},
                                                body='{"thongBao": "Không tìm thấy hồ sơ"}')
    lookup_judges.unknown_code(good)


def test_unknown_code_is_an_error_when_the_codes_do_not_fit_the_editions_pattern(good):
    good["unknown_lookups"][0]["well_formed"] = False
    with pytest.raises(Inconclusive, match="cannot build one"):
        lookup_judges.unknown_code(good)


# ------------------------------------------------------------------------- api.json_utf8

def test_json_utf8_passes_on_the_clean_recording(good):
    judges.json_utf8(good)


@pytest.mark.proves("api.json_utf8")
def test_json_utf8_fails_on_decomposed_text(good):
    # refportal's NFD defect: names in decomposed form
    def decompose(data):
        data["name"] = unicodedata.normalize("NFD", data["name"])
    _rewrite(good["answers"][1], decompose)
    with pytest.raises(AssertionError, match=r"\$\.name"):
        judges.json_utf8(good)


@pytest.mark.proves("api.json_utf8")
def test_json_utf8_fails_on_a_non_json_content_type(good):
    good["answers"][0]["content_type"] = "text/html; charset=utf-8"
    with pytest.raises(AssertionError, match="not a JSON content type"):
        judges.json_utf8(good)


@pytest.mark.proves("api.json_utf8")
def test_json_utf8_fails_on_another_charset(good):
    good["answers"][2]["content_type"] = "application/json; charset=windows-1258"
    with pytest.raises(AssertionError, match="not UTF-8"):
        judges.json_utf8(good)


@pytest.mark.proves("api.json_utf8")
def test_json_utf8_fails_on_a_body_that_is_not_utf8(good):
    good["answers"][0].update(body=None, utf8_error="invalid continuation byte")
    with pytest.raises(AssertionError, match="body is not UTF-8"):
        judges.json_utf8(good)


@pytest.mark.proves("api.json_utf8")
def test_json_utf8_fails_on_a_body_that_does_not_parse(good):
    good["answers"][1]["body"] = good["answers"][1]["body"][:-5]
    with pytest.raises(AssertionError, match="does not parse"):
        judges.json_utf8(good)


def test_json_utf8_is_an_error_without_any_answer(good):
    good["answers"] = []
    good["unknown_lookups"] = []
    with pytest.raises(Inconclusive):
        judges.json_utf8(good)


# ------------------------------------------------------------------------- api.openapi

def test_openapi_passes_on_the_clean_recording(good):
    assert len(good["profile_operations"]) > 30
    judges.openapi(good)


@pytest.mark.proves("api.openapi")
def test_openapi_fails_when_no_description_is_published(good):
    # refportal's defect 'OpenAPI missing'
    good["api_description"].update(status=404, ok=False, body='{"error": "not found"}')
    with pytest.raises(AssertionError, match="HTTP 404"):
        judges.openapi(good)


@pytest.mark.proves("api.openapi")
def test_openapi_fails_when_a_mapped_operation_is_not_documented(good):
    _rewrite(good["api_description"], lambda d: d["paths"].pop("/api/lookup/{code}"))
    with pytest.raises(AssertionError, match="lookup_dossier: GET /api/lookup/"):
        judges.openapi(good)


@pytest.mark.proves("api.openapi")
def test_openapi_fails_when_a_method_is_not_documented(good):
    _rewrite(good["api_description"], lambda d: d["paths"]["/api/dossiers"].pop("post"))
    with pytest.raises(AssertionError, match="submit_dossier.*method is not documented"):
        judges.openapi(good)


@pytest.mark.proves("api.openapi")
def test_openapi_fails_on_an_invalid_document(good):
    _rewrite(good["api_description"], lambda d: d.update(info="Cổng DVC"))
    with pytest.raises(AssertionError, match="OpenAPI document is invalid"):
        judges.openapi(good)


@pytest.mark.proves("api.openapi")
def test_openapi_fails_on_swagger_2(good):
    good["api_description"]["body"] = json.dumps({"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}})
    with pytest.raises(AssertionError, match="Swagger 2.0"):
        judges.openapi(good)


def test_openapi_in_yaml_with_a_server_prefix_is_read(good):
    import yaml

    document = json.loads(good["api_description"]["body"])
    document["servers"] = [{"url": "https://cong.example/api"}]
    document["paths"] = {path.removeprefix("/api"): item for path, item in document["paths"].items()}
    good["api_description"]["body"] = yaml.safe_dump(document, allow_unicode=True)
    judges.openapi(good)


def test_a_wsdl_with_operations_is_accepted_and_one_without_is_not(good):
    wsdl = ('<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"><portType name="p">{}</portType></definitions>')
    good["api_description"]["body"] = wsdl.format('<operation name="TraCuuHoSo"/>')
    judges.openapi(good)
    good["api_description"]["body"] = wsdl.format("")
    with pytest.raises(AssertionError, match="no operation"):
        judges.openapi(good)


def test_openapi_is_an_error_when_the_operation_is_not_configured(good):
    good["api_description"] = None
    good["errors"] = ["get_api_description: operation 'get_api_description' is not configured in the profile"]
    with pytest.raises(Inconclusive, match="not configured"):
        judges.openapi(good)
