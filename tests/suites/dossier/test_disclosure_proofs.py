"""lookup.minimal_disclosure searches the raw page and every answer for everything dokiem knows of
the applicant, in every common spelling (suites/personal_data.py); proofs on the clean recording."""
from __future__ import annotations

import copy
import json
import unicodedata
from pathlib import Path

import pytest

from suites import personal_data
from suites.lookup import judges

RECORDED = json.loads((Path(__file__).parent / "recorded" / "dossier_life.json").read_text(encoding="utf-8"))
PAGE = ('<html><body><h1>Tra cứu hồ sơ</h1>{hidden}<p>Trạng thái: Đang giải quyết</p></body></html>')


@pytest.fixture
def obs():
    observed = copy.deepcopy(RECORDED)
    full = next(d for d in observed["dossiers"] if d["key"] == "online_full")
    full["personal"]["birth_date"] = "1990-03-15"  # as the account holds it (profiles/refportal.yaml)
    observed["browser"]["lookup"]["page_html"] = PAGE.format(hidden="")
    return observed


def leak_in_page(obs, hidden: str) -> str:
    obs["browser"]["lookup"]["page_html"] = PAGE.format(hidden=hidden)
    with pytest.raises(AssertionError) as caught:
        judges.minimal_disclosure(obs)
    return str(caught.value)


def test_the_clean_recording_with_its_raw_page_passes(obs):
    judges.minimal_disclosure(obs)


@pytest.mark.proves("lookup.minimal_disclosure")
@pytest.mark.parametrize("hidden, kind", [
    ('<input type="hidden" name="sdt" value="+84 912 345 601">', "phone"),
    ('<div data-owner="NGUYEN VAN AN"></div>', "full_name"),
    ("<!-- nguoi nop: Nguyễn Văn An -->", "full_name"),
    ('<script>var applicant = {"dob": "15/03/1990"};</script>', "birth_date"),
    ('<meta name="owner" content="congdan1@mail.anbinh.test">', "email"),
    ("<span>Ngày sinh: ngày 15 tháng 3 năm 1990</span>", "birth_date"),
    ("<p>" + unicodedata.normalize("NFD", "Số 12 đường Lê Lợi, phường Trung Tâm, thành phố An Bình") + "</p>", "address"),
    ("<p>Nguy&#7877;n V&#259;n An</p>", "full_name"),
])
def test_personal_data_hidden_in_the_raw_page_in_any_spelling_fails(obs, hidden, kind):
    assert kind in leak_in_page(obs, hidden)


@pytest.mark.proves("lookup.minimal_disclosure")
def test_an_escaped_json_answer_is_searched_as_decoded(obs):
    row = next(r for r in obs["lookups"] if r["key"] == "online_full")
    row["text"] = json.dumps({"code": row["code"], "nguoi_nop": "Nguyễn Văn An"})  # \\u1ec5 escapes on the wire
    assert "\\u" in row["text"]
    with pytest.raises(AssertionError, match="full_name"):
        judges.minimal_disclosure(obs)


def test_spellings_of_dates_phones_and_names():
    assert {"1990-03-15", "15/03/1990", "15/3/1990", "15-03-1990", "15.03.1990"} <= \
        set(personal_data.spellings("birth_date", "1990-03-15"))
    assert personal_data.spellings("birth_date", "15/03/1990")[0] == "1990-03-15"
    assert personal_data.spellings("phone", "+84 912 345 601") == ["0912345601", "84912345601"]
    assert personal_data.spellings("full_name", "Đỗ Thị Hằng") == ["đỗ thị hằng", "do thi hang"]


def test_no_finding_by_chance():
    # a longer name, another date, a phone inside a longer number, a value too short to mean anything
    assert personal_data.found("Nguyễn Văn Anh", "full_name", "Nguyễn Văn An") is None
    assert personal_data.found("ngày 16/03/1990", "birth_date", "1990-03-15") is None
    assert personal_data.found("Nguyễn Văn An", "full_name", "An") is None
    assert personal_data.found("Số 12 đường Lê Lợi", "address", "Số 12 đường Lê Lợi") is not None
