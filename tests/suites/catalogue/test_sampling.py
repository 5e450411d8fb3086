"""The shared sample and the catalogue's shape: deterministic per run, pinned procedures first,
every level met; labels read the harness's way; paged listings read to the end."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from suites.catalogue import observe
from suites.catalogue.procedures import entry, level_of, mode_of, pinned_codes, sample
from tests.suites.recordings import recorded


@pytest.fixture(scope="module")
def listing():
    return recorded("catalogue_sample")["catalogue"]["entries"]


def test_the_same_run_id_draws_the_same_sample_and_other_runs_move_over_the_catalogue(listing):
    first = [p["code"] for p in sample(listing, 5, "run-a")]
    assert first == [p["code"] for p in sample(list(reversed(listing)), 5, "run-a")]
    drawn = {tuple(p["code"] for p in sample(listing, 5, f"run-{n}")) for n in range(20)}
    assert len(drawn) > 10
    assert len({code for codes in drawn for code in codes}) > 20


def test_pinned_codes_come_first_and_every_level_is_met(listing):
    pinned = pinned_codes({"online_procedure": "1.001233.000.00.00.H29", "counter_procedure": "1.005092.000.00.00.H29",
                           "catalogue_sample_include": ["2.000337.000.00.00.H29", "9.999999"]})
    for run in ("a", "b", "c", "d"):
        chosen = sample(listing, 5, run, pinned)
        assert [p["code"] for p in chosen[:3]] == pinned[:3]
        assert {p["level"] for p in chosen} == {2, 3, 4}
        assert all(p["why"] for p in chosen)
    assert len(sample(listing, 100, "a")) == len(listing)


@pytest.mark.parametrize("raw, level", [(4, 4), ("3", 3), ("Mức độ 2", 2), ("muc-do-4", 4), ("Mức độ 12", None),
                                        (None, None), (True, None), (0, None)])
def test_levels_are_read_from_numbers_and_labels(raw, level):
    assert level_of(raw) == level


@pytest.mark.parametrize("raw, mode", [("toan_trinh", "toan_trinh"), ("Toàn trình", "toan_trinh"),
                                      ("DVC trực tuyến một phần", "mot_phan"), ("mot-phan", "mot_phan"), ("", None)])
def test_online_modes_are_read_from_codes_and_words(raw, mode):
    assert mode_of(raw) == mode


def test_entries_keep_text_in_nfc_and_the_raw_labels():
    item = entry({"code": "1.1", "name": "Đăng ky\u0301  khai sinh", "level": "Mức độ 4", "online_mode": "Toàn trình"})
    assert item["name"] == "Đăng ký khai sinh" and item["level"] == 4 and item["level_label"] == "Mức độ 4"


class _Pages:
    """list_procedures with ${page}: 3 pages of 2, then an empty page."""

    def __init__(self, paged: bool):
        query = {"page": "${page}"} if paged else {}
        self.profile = SimpleNamespace(operations={"list_procedures": {"method": "GET", "path": "/x", "query": query}})
        self.pages = []

    def call(self, operation, **inputs):
        page = inputs.get("page", 1)
        self.pages.append(page)
        items = [{"code": f"1.{page}{n}", "name": f"Thủ tục {page}{n}", "level": 3} for n in range(2)] if page <= 3 else []
        return SimpleNamespace(ok=True, status=200, url="https://x/api", elapsed_ms=1.0, vars={"procedures": items},
                               describe=lambda: "")


def test_a_paged_catalogue_is_read_to_its_end():
    client = _Pages(paged=True)
    catalogue = observe.list_catalogue(client)
    assert catalogue["ok"] and len(catalogue["entries"]) == 6 and client.pages == [1, 2, 3, 4]


def test_an_unpaged_catalogue_is_read_once():
    client = _Pages(paged=False)
    assert len(observe.list_catalogue(client)["entries"]) == 2 and client.pages == [1]
