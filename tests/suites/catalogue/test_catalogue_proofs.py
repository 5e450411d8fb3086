"""Proofs of the catalogue_sample checks: each judge passes on the clean refportal recording and
fails (AssertionError) on the same recording with one fault in it; where the harness cannot
judge, it is Inconclusive (ERROR), never a pass."""
from __future__ import annotations

import pytest

from harness import Inconclusive
from suites.catalogue import judges, levels, tables
from suites.levels import judges as levels_judges
from harness.judging import fold
from tests.suites.recordings import parameter, recorded

PATTERNS = (parameter("codes.procedure_pattern"), parameter("codes.agency_pattern"))


@pytest.fixture
def good():
    return recorded("catalogue_sample")


def by_level(obs: dict, level: int) -> dict:
    return next(p for p in obs["procedures"] if p["listing"]["level"] == level)


def test_the_recording_covers_every_level_and_is_judged_on_pages_that_loaded(good):
    assert {p["listing"]["level"] for p in good["procedures"]} == {2, 3, 4}
    assert all(p["page"]["loaded"] and p["page"]["how"] == "journey" for p in good["procedures"])


# ------------------------------------------------------------------------- catalogue.published

def test_published_passes_on_the_clean_recording(good):
    judges.published(good)


@pytest.mark.proves("catalogue.published")
def test_published_fails_when_an_entry_has_no_level(good):
    good["catalogue"]["entries"][7]["level"] = None
    with pytest.raises(AssertionError, match="mức độ 1-4"):
        judges.published(good)


@pytest.mark.proves("catalogue.published")
def test_published_fails_when_a_sampled_detail_page_does_not_open(good):
    good["procedures"][2]["page"].update(status=404, loaded=False)
    with pytest.raises(AssertionError, match="HTTP 404"):
        judges.published(good)


def test_published_is_an_error_when_the_catalogue_cannot_be_listed(good):
    good["catalogue"].update(ok=False, error="list_procedures: HTTP 503", entries=[])
    with pytest.raises(Inconclusive, match="could not be listed"):
        judges.published(good)


def test_published_is_an_error_when_the_catalogue_is_empty(good):
    good["catalogue"]["entries"] = []
    with pytest.raises(Inconclusive, match="no thủ tục trong danh mục"):
        judges.published(good)


def test_no_page_opened_by_the_harness_is_an_error_not_a_pass(good):
    for proc in good["procedures"]:
        proc["page"] = {"loaded": False, "status": None, "error": "browser: no Chromium"}
    with pytest.raises(Inconclusive, match="could not open 5"):
        judges.published(good)


# ------------------------------------------------------------------------- catalogue.national_codes

def test_national_codes_pass_on_the_clean_recording(good):
    judges.national_codes(good, *PATTERNS)


@pytest.mark.proves("catalogue.national_codes")
def test_national_codes_fail_on_a_local_procedure_code(good):
    good["procedures"][1]["record"]["code"] = "TTHC-GD-0012"
    with pytest.raises(AssertionError, match="TTHC-GD-0012"):
        judges.national_codes(good, *PATTERNS)


@pytest.mark.proves("catalogue.national_codes")
def test_national_codes_fail_on_an_agency_code_outside_qcvn_102(good):
    good["procedures"][0]["record"]["agency_code"] = "SOTUPHAP"
    with pytest.raises(AssertionError, match="QCVN 102:2016"):
        judges.national_codes(good, *PATTERNS)


# ------------------------------------------------------------------------- catalogue.matches_national

def test_matches_national_passes_on_the_clean_recording(good):
    judges.matches_national(good)


@pytest.mark.proves("catalogue.matches_national")
def test_matches_national_fails_on_a_renamed_procedure(good):
    good["procedures"][3]["record"]["name"] += " (sửa đổi)"
    with pytest.raises(AssertionError, match="name differs"):
        judges.matches_national(good)


@pytest.mark.proves("catalogue.matches_national")
def test_matches_national_fails_on_another_sector(good):
    good["procedures"][0]["listing"]["sector_name"] = "Hộ tịch"
    with pytest.raises(AssertionError, match="sector differs"):
        judges.matches_national(good)


@pytest.mark.proves("catalogue.matches_national")
def test_matches_national_fails_on_a_code_the_national_catalogue_lacks(good):
    good["procedures"][4]["national"]["result"] = None
    with pytest.raises(AssertionError, match="does not hold"):
        judges.matches_national(good)


def test_matches_national_compares_text_in_nfc(good):
    import unicodedata

    proc = good["procedures"][0]
    proc["record"]["name"] = unicodedata.normalize("NFD", proc["record"]["name"])  # NFC is judged by api.json_utf8
    judges.matches_national(good)


def test_matches_national_is_an_error_when_the_simulator_does_not_answer(good):
    good["procedures"][0]["national"] = {"ok": False, "error": "simulator auth failed", "result": None}
    with pytest.raises(Inconclusive, match="did not answer"):
        judges.matches_national(good)


# ------------------------------------------------------------------------- catalogue.guidance

def test_guidance_passes_on_the_clean_recording(good):
    judges.guidance(good)


@pytest.mark.proves("catalogue.guidance")
def test_guidance_fails_when_the_guide_does_not_load(good):
    good["procedures"][1]["guide"]["status"] = 404
    with pytest.raises(AssertionError, match="HTTP 404"):
        judges.guidance(good)


@pytest.mark.proves("catalogue.guidance")
def test_guidance_fails_without_a_guide(good):
    good["procedures"][2]["guide"] = {"url": None, "source": None}
    with pytest.raises(AssertionError, match="no guide"):
        judges.guidance(good)


@pytest.mark.proves("catalogue.guidance")
def test_guidance_fails_on_an_empty_guide_page(good):
    good["procedures"][0]["guide"]["text"] = " "
    with pytest.raises(AssertionError, match="guide page is empty"):
        judges.guidance(good)


def test_a_guide_elsewhere_only_has_to_answer_with_content(good):
    guide = good["procedures"][0]["guide"]
    guide.update(url="https://tthc.bo.gov.vn/huong-dan.pdf", content_type="application/pdf", text=None, bytes=52000)
    judges.guidance(good)
    guide["bytes"] = 0
    with pytest.raises(AssertionError, match="guide is empty"):
        judges.guidance(good)


# ------------------------------------------------------------------------- levels.level1_info

def _drop_fees_and_legal_basis(proc: dict) -> None:
    """refportal's defect 'a procedure page missing fees and legal basis', as the page shows it."""
    page, record = proc["page"], proc["record"]
    page["headings"] = [h for h in page["headings"] if h not in ("Phí, lệ phí", "Khoản thu", "Mức thu", "Căn cứ pháp lý")]
    for value in [f["name"] for f in record["fees"]] + record["legal_basis"]:
        page["text"] = page["text"].replace(value, "")


def test_level1_info_passes_on_the_clean_recording(good):
    levels_judges.level1_info(good)


@pytest.mark.proves("levels.level1_info")
def test_level1_info_fails_on_a_page_without_fees_and_legal_basis(good):
    _drop_fees_and_legal_basis(good["procedures"][0])
    with pytest.raises(AssertionError) as failure:
        levels_judges.level1_info(good)
    assert "phí, lệ phí (fees)" in str(failure.value) and "căn cứ pháp lý (legal basis)" in str(failure.value)


@pytest.mark.proves("levels.level1_info")
def test_level1_info_fails_when_the_page_does_not_show_the_records_value(good):
    proc = good["procedures"][3]
    proc["page"]["text"] = proc["page"]["text"].replace(proc["record"]["result"], "")
    with pytest.raises(AssertionError, match="does not show the record's value"):
        levels_judges.level1_info(good)


@pytest.mark.proves("levels.level1_info")
def test_level1_info_fails_when_the_record_gives_an_element_empty(good):
    good["procedures"][1]["record"]["steps"] = []
    with pytest.raises(AssertionError, match="trình tự thực hiện"):
        levels_judges.level1_info(good)


# ------------------------------------------------------------------------- levels.form_download

def test_form_download_passes_on_the_clean_recording(good):
    levels_judges.form_download(good)


@pytest.mark.proves("levels.form_download")
def test_form_download_fails_on_a_missing_form(good):
    good["procedures"][0]["forms"][0].update(status=404, content_type="application/json", bytes=40)
    with pytest.raises(AssertionError, match="HTTP 404"):
        levels_judges.form_download(good)


@pytest.mark.proves("levels.form_download")
def test_form_download_fails_on_an_html_page_instead_of_a_document(good):
    good["procedures"][2]["forms"][0].update(content_type="text/html; charset=utf-8", magic="3c21646f")
    with pytest.raises(AssertionError, match="not a document"):
        levels_judges.form_download(good)


@pytest.mark.proves("levels.form_download")
def test_form_download_fails_on_an_empty_file(good):
    good["procedures"][1]["forms"][0]["bytes"] = 0
    with pytest.raises(AssertionError, match="empty file"):
        levels_judges.form_download(good)


def test_a_document_is_known_by_its_signature_when_its_type_is_generic(good):
    form = good["procedures"][0]["forms"][0]
    form["content_type"] = "application/octet-stream"
    assert levels.form_problem(form) is None  # 504b0304: a DOCX (ZIP) file
    form["magic"] = "00000000"
    assert levels.form_problem(form)


def test_form_download_is_an_error_when_no_sampled_procedure_lists_a_form(good):
    for proc in good["procedures"]:
        proc["forms"] = []
    with pytest.raises(Inconclusive, match="biểu mẫu"):
        levels_judges.form_download(good)


# ------------------------------------------------------------------------- levels.declared_vs_delivered

def test_measured_levels_equal_the_declared_ones_on_the_clean_recording(good):
    for proc in good["procedures"]:
        measured = levels.measure(proc, good["service_levels"])
        if levels.fee_required(proc) or proc["listing"]["level"] != 3:
            assert measured["level"] == proc["listing"]["level"], (proc["code"], measured)
            assert measured["mode"] == (proc["listing"]["online_mode"] if proc["listing"]["level"] > 2 else None)
        else:  # NĐ 43/2011 Điều 3 khoản 4 điểm d: level 3 with no fee and a result in person is level 4
            assert (measured["level"], measured["mode"]) == (4, "toan_trinh"), (proc["code"], measured)
    levels_judges.declared_vs_delivered(good)


@pytest.mark.proves("levels.declared_vs_delivered")
def test_declared_level_4_without_online_payment_fails(good):
    proc = by_level(good, 4)
    cut = "và thanh toán phí, lệ phí trực tuyến "  # from the methods, on the page as in the record
    proc["record"]["methods"] = [m.replace(cut, "") for m in proc["record"]["methods"]]
    proc["page"]["text"] = proc["page"]["text"].replace(cut, "")
    proc["guide"]["text"] = proc["guide"]["text"].replace("thanh toán phí, lệ phí trực tuyến", "nộp phí tại quầy")
    assert not levels.features(proc)["payment"]
    with pytest.raises(AssertionError, match=r"declared level 4, delivers 3.*online payment"):
        levels_judges.declared_vs_delivered(good)


@pytest.mark.proves("levels.declared_vs_delivered")
def test_declared_level_3_without_a_submission_entry_fails(good):
    by_level(good, 3)["submission_entry"] = None
    with pytest.raises(AssertionError, match="declared level 3, delivers 2"):
        levels_judges.declared_vs_delivered(good)


@pytest.mark.proves("levels.declared_vs_delivered")
def test_a_submission_entry_that_answers_an_error_is_not_offered(good):
    by_level(good, 4)["submission_entry"]["status"] = 500
    with pytest.raises(AssertionError, match="online submission entry"):
        levels_judges.declared_vs_delivered(good)


@pytest.mark.proves("levels.declared_vs_delivered")
def test_forms_that_do_not_download_leave_a_procedure_at_level_1(good):
    proc = by_level(good, 2)
    proc["forms"][0]["status"] = 404
    with pytest.raises(AssertionError, match="declared level 2, delivers 1"):
        levels_judges.declared_vs_delivered(good)


def test_a_procedure_offering_more_than_it_declares_passes(good):
    proc = by_level(good, 2)
    proc["submission_entry"] = {"text": "Nộp hồ sơ trực tuyến", "href": None, "status": None}
    # no fee to pay and the result needs not be electronic (NĐ 43/2011 Điều 3 khoản 4 điểm d): level 4
    assert levels.measure(proc, good["service_levels"])["level"] == 4
    levels_judges.declared_vs_delivered(good)
    assert tables.conclusion(proc, good["service_levels"]).startswith("Cao hơn mức công bố")


def test_signals_are_read_from_text_in_any_normal_form():
    import unicodedata

    methods = unicodedata.normalize("NFD", "Nộp hồ sơ và thanh toán phí, lệ phí trực tuyến; nhận kết quả điện tử")
    proc = {"record": {"methods": [methods], "fees": [{"name": "Lệ phí", "amount": 50000}]}, "guide": None}
    assert levels.features(proc)["payment"] and levels.features(proc)["e_result"]
    assert levels.SUBMIT_ENTRY.search(fold(unicodedata.normalize("NFD", "Nộp hồ sơ trực tuyến")))


# ------------------------------------------------------------------------- the record's tables

def test_the_tables_list_every_sampled_procedure_in_the_3386_layout(good):
    general, egdi, measured, roadmap = tables.tables(good)
    assert egdi["rows"][0][1] == "28/34 (82.4 %)" and egdi["rows"][1][1] == "14/34 (41.2 %)"
    assert [len(t["rows"]) for t in (measured, roadmap)] == [5, 4]  # 3386 §2.2 lists levels 3 and 4 only
    assert roadmap["columns"] == ["TT", "Tên DVCTT", "Mức DVCTT", "Cấp dịch vụ (tỉnh/huyện/xã)", "Cơ quan chủ trì xử lý",
                                  "Cơ quan đồng xử lý"]
    assert not any(row[-1].startswith("Không đạt") for row in measured["rows"])
    # the measured level (a free level-3 procedure measures 4: NĐ 43/2011 Điều 3 khoản 4 điểm d)
    assert [row[2] for row in roadmap["rows"]] == [levels.measure(p, good["service_levels"])["level"]
                                                    for p in good["procedures"] if p["listing"]["level"] >= 3]
    assert {row[3] for row in roadmap["rows"]} == {"tỉnh"}
    assert measured["csv"] == "muc-do-dvctt.csv" and roadmap["csv"] == "lo-trinh-3386.csv"


def test_the_table_says_below_the_declared_level_when_a_feature_is_missing(good):
    proc = by_level(good, 3)
    proc["submission_entry"] = None
    row = tables.measured_row(1, proc, good["service_levels"])
    assert row[7] == 2 and row[-1].startswith("Không đạt mức công bố")


# ------------------------------------------------------------------------- the level model is edition data

def _without_e_result(proc: dict, result_by: str = "Nhận kết quả qua dịch vụ bưu chính công ích.") -> None:
    """The procedure no longer says its result is electronic (the recording says so in the guide);
    its methods say how the result is given instead."""
    proc["guide"] = None
    proc["record"]["methods"] = [*proc["record"]["methods"], result_by]


def test_level_4_and_toan_trinh_do_not_need_an_electronic_result(good):
    """NĐ 43/2011 Điều 3 khoản 4 điểm d; NĐ 42/2022 Điều 11: the result online or by public post."""
    proc = by_level(good, 4)
    _without_e_result(proc)
    f = levels.features(proc)
    assert not f["e_result"] and f["postal_result"]
    measured = levels.measure(proc, good["service_levels"])
    assert (measured["level"], measured["mode"]) == (4, "toan_trinh")
    levels_judges.declared_vs_delivered(good)


@pytest.mark.proves("levels.declared_vs_delivered")
def test_toan_trinh_without_any_remote_result_fails(good):
    proc = by_level(good, 4)
    _without_e_result(proc, "Nhận kết quả trực tiếp tại Bộ phận Một cửa.")
    assert levels.measure(proc, good["service_levels"])["level"] == 4  # level 4 still: a result in person is allowed
    with pytest.raises(AssertionError, match=r"declared toan_trinh, delivers mot_phan.*by public post"):
        levels_judges.declared_vs_delivered(good)


@pytest.mark.proves("levels.declared_vs_delivered")
def test_a_level_2_procedure_declared_mot_phan_fails_on_the_mode(good):
    """E26: the judge compares the mode as well as the level; level 2 is not an online service."""
    proc = by_level(good, 2)
    proc["listing"]["online_mode"] = "mot_phan"
    with pytest.raises(AssertionError, match=r"declared mot_phan, delivers no online service"):
        levels_judges.declared_vs_delivered(good)
    assert tables.conclusion(proc, good["service_levels"]).startswith("Không đạt mức công bố")


def test_the_model_comes_from_the_edition(good):
    """A stricter model (level 4 needs an electronic result) changes the measure without code."""
    strict = {**good["service_levels"],
              "levels": [*good["service_levels"]["levels"][:3], {"level": 4, "requires": ["online_payment", "electronic_result"]}]}
    proc = by_level(good, 4)
    _without_e_result(proc)
    assert levels.measure(proc, strict)["level"] == 3
    assert levels.measure(proc, good["service_levels"])["level"] == 4


def test_without_a_level_model_the_judge_cannot_decide(good):
    del good["service_levels"]
    with pytest.raises(Inconclusive, match="service_levels"):
        levels_judges.declared_vs_delivered(good)
    assert tables.tables(good) == []


def test_general_figures_cover_the_whole_catalogue_by_tier(good):
    """Công văn 3386 "Số liệu chung": every listed procedure, not the sample."""
    general = tables.tables(good)[0]
    assert general["id"] == "catalogue-general-3386" and general["csv"] == "so-lieu-chung-3386.csv"
    total = general["rows"][-1]
    assert total[:7] == ["Tổng (total)", 34, 6, 14, 14, 28, "82.4 %"] and total[7:] == [14, 14, 0]
    good["catalogue"]["entries"][0]["level"] = None  # a procedure without a declared level is counted apart
    assert tables.tables(good)[0]["rows"][-1][-1] == 1


def test_the_english_observation_names_the_page_or_says_none():
    """Công văn 961 (EGDI): an observation in the record, never a verdict."""
    from suites.accessibility import egdi

    seen = egdi.english_table({"english": {"found": "https://dvc.example/en", "visited": [
        {"url": "https://dvc.example/en", "status": 200, "lang": "en"}]}})
    assert seen["rows"][0][1] == "https://dvc.example/en" and "lang=en" in seen["rows"][0][2]
    assert egdi.english_table({"english": {}})["rows"][0][1].startswith("không tìm thấy")
