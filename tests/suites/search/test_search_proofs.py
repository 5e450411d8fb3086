"""Proofs of the search_probe checks on the clean refportal recording, with one fault each."""
from __future__ import annotations

import unicodedata

import pytest

from harness import Inconclusive
from suites.search import judges
from suites.search.observe import distinctive_word, keyword_variants
from tests.suites.recordings import recorded


@pytest.fixture
def good():
    return recorded("search_probe")


def queries(obs: dict, kind: str, variant: str | None = None) -> list[dict]:
    return [q for q in obs["queries"] if q["kind"] == kind and (variant is None or q["variant"] == variant)]


def test_the_recording_searches_each_sampled_procedure_three_ways(good):
    assert len(queries(good, "keyword")) == 3 * len(good["sample"])
    for query in queries(good, "keyword", "nfd"):
        assert not unicodedata.is_normalized("NFC", query["inputs"]["keyword"])


# ------------------------------------------------------------------------- search.keyword

def test_keyword_passes_on_the_clean_recording(good):
    judges.keyword(good)


@pytest.mark.proves("search.keyword")
def test_keyword_fails_when_a_query_in_nfd_finds_nothing(good):
    # refportal's NFD defect: text decomposed, so a query in the other form no longer matches
    query = queries(good, "keyword", "nfd")[1]
    query.update(results=[], count=0)
    with pytest.raises(AssertionError, match="NFD"):
        judges.keyword(good)


@pytest.mark.proves("search.keyword")
def test_keyword_fails_when_a_query_without_diacritics_misses_the_procedure(good):
    query = queries(good, "keyword", "khong_dau")[0]
    query["results"] = [r for r in query["results"] if r["code"] not in query["expect"]]
    with pytest.raises(AssertionError, match="không dấu"):
        judges.keyword(good)


@pytest.mark.proves("search.keyword")
def test_keyword_fails_when_the_search_does_not_answer(good):
    queries(good, "keyword")[0].update(ok=False, status=None, results=[], error="timeout after 20 s")
    with pytest.raises(AssertionError, match="timeout"):
        judges.keyword(good)


def test_keyword_is_an_error_without_a_catalogue(good):
    good["catalogue"]["ok"] = False
    with pytest.raises(Inconclusive):
        judges.keyword(good)


# ------------------------------------------------------------------------- search.agency / sector / level

@pytest.mark.parametrize("kind", ["agency", "sector", "level"])
def test_filters_pass_on_the_clean_recording(good, kind):
    judges.by_filter(good, kind)


@pytest.mark.proves("search.agency")
def test_agency_filter_fails_when_it_returns_another_agencys_procedure(good):
    query = queries(good, "agency")[1]
    query["results"].append({**query["results"][0], "code": "9.999999", "agency_code": "000.00.99.H29"})
    with pytest.raises(AssertionError, match="another agency"):
        judges.by_filter(good, "agency")


@pytest.mark.proves("search.agency")
def test_agency_filter_fails_when_it_misses_the_sampled_procedure(good):
    query = queries(good, "agency")[2]
    query["results"] = [r for r in query["results"] if r["code"] not in query["expect"]]
    with pytest.raises(AssertionError, match="misses sampled"):
        judges.by_filter(good, "agency")


@pytest.mark.proves("search.sector")
def test_sector_filter_fails_when_it_ignores_the_filter(good):
    query = queries(good, "sector")[0]
    query["results"] = [r for q in queries(good, "keyword", "nfc") for r in q["results"]]
    with pytest.raises(AssertionError, match="another sector"):
        judges.by_filter(good, "sector")


@pytest.mark.proves("search.sector")
def test_sector_filter_fails_on_no_results(good):
    queries(good, "sector")[3].update(results=[], count=0)
    with pytest.raises(AssertionError, match="no results"):
        judges.by_filter(good, "sector")


@pytest.mark.proves("search.level")
def test_level_filter_fails_when_it_returns_another_level(good):
    query = queries(good, "level")[0]
    query["results"][0]["level"] = 4
    with pytest.raises(AssertionError, match="another level"):
        judges.by_filter(good, "level")


@pytest.mark.proves("search.level")
def test_level_filter_fails_when_the_search_refuses_the_level(good):
    queries(good, "level")[2].update(ok=False, status=422, results=[], error="search_procedures: HTTP 422")
    with pytest.raises(AssertionError, match="HTTP 422"):
        judges.by_filter(good, "level")


def test_results_judged_by_name_when_they_carry_no_code(good):
    query = queries(good, "agency")[0]
    name = next(p["agency_name"] for p in good["sample"] if p["agency_code"] == query["inputs"]["agency_code"])
    for result in query["results"]:
        result.update(agency_code=None, agency_name=name)
    judges.by_filter(good, "agency")
    query["results"][0]["agency_name"] = "Sở Nội vụ tỉnh An Bình"
    with pytest.raises(AssertionError, match="another agency"):
        judges.by_filter(good, "agency")


def test_results_that_say_nothing_of_the_filter_are_an_error_not_a_pass(good):
    for query in queries(good, "sector"):
        for result in query["results"]:
            result.update(sector_code=None, sector_name=None)
    with pytest.raises(Inconclusive, match="do not show the sector"):
        judges.by_filter(good, "sector")


# ------------------------------------------------------------------------- the probe's choices

def test_the_distinctive_word_is_the_rarest_with_diacritics():
    names = ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Cấp bản sao trích lục hộ tịch"]
    assert distinctive_word("Đăng ký kết hôn", names) == "kết"
    assert distinctive_word("Cấp bản sao trích lục hộ tịch", names) == "trích"
    assert distinctive_word("123 456", names) is None


def test_keyword_variants_differ_from_the_word_as_typed():
    variants = dict(keyword_variants("Phiếu"))
    assert variants == {"nfc": "Phiếu", "khong_dau": "Phieu", "nfd": unicodedata.normalize("NFD", "Phiếu")}
    assert dict(keyword_variants("sao")) == {"nfc": "sao"}
