"""Every packet is validated against the edition's schemas and the NFC rule, and the problems are
recorded with the JSON path of the field; validation never changes the answer."""
from __future__ import annotations

import json
import unicodedata

import pytest

from harness.nps.validation import PacketValidator
from harness.yamlsource import InputError
from npshelpers import EDITION_DIR, dossier, progress

NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")


def _problems(nps, service="DongBoHoSoMC"):
    records = nps.records(kind="packet", service=service)
    assert len(records) == 1, records
    return [(p["rule"], p["path"]) for p in records[0]["validation"]], records[0]


def test_a_valid_dossier_packet_records_no_problem(integrate, nps):
    answer = integrate("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    problems, record = _problems(nps)
    assert answer["error_code"] == "0"
    assert problems == []
    assert record["request"]["data"][0]["MaHoSo"] == "000.00.00.H29-261124-0001"


def test_a_valid_progress_packet_records_no_problem(integrate, nps):
    integrate("CapNhatTienDoHoSoMC", data=[progress()])
    assert _problems(nps, "CapNhatTienDoHoSoMC")[0] == []


@pytest.mark.parametrize("field, value, rule", [
    ("MaTTHC", None, "required"),                      # a mandatory field left out
    ("ChuHoSo", 12345, "type"),                        # a number where a string is defined
    ("KenhThucHien", 2, "type"),                       # a number even where the value is right
    ("NgayTiepNhan", "2026-11-24 09:30:00", "pattern"),  # ISO instead of yyyyMMddHHmmss
    ("NgayHenTra", "20261324093000", "pattern"),       # month 13
    ("TrangThaiHoSo", "11", "enum"),                   # outside the national list 1..10
    ("KenhThucHien", "4", "enum"),
    ("TrichYeuHoSo", "", "minLength"),                 # mandatory but empty
    ("TaiLieuNop", {"TenTepDinhKem": "a.pdf"}, "type"),  # an object where an array is defined
    ("ChuHoSo", NFD_NAME, "nfc"),                      # decomposed Vietnamese
])
def test_each_kind_of_bad_dossier_field_is_recorded_with_its_path(integrate, nps, field, value, rule):
    bad = dossier(**{field: value}) if value is not None else dossier(**{field: None})
    answer = integrate("DongBoHoSoMC", isUpdating="False", data=[dossier(MaHoSo="000.00.00.H29-261124-0002"), bad])
    problems, _ = _problems(nps)
    assert problems == [(rule, f"$.data[1].{field}")]
    assert answer["error_code"] == "0"  # the simulator answers and records; the checks judge


def test_envelope_and_progress_problems_carry_their_paths(integrate, nps):
    integrate("CapNhatTienDoHoSoMC", data=[progress(TrangThai=4, ThoiDiemXuLy="24/11/2026")])
    problems, record = _problems(nps, "CapNhatTienDoHoSoMC")
    assert problems == [("pattern", "$.data[0].ThoiDiemXuLy"), ("type", "$.data[0].TrangThai")]
    messages = " ".join(p["message"] for p in record["validation"])
    assert "yyyyMMddHHmmss" in messages and "TrangThai" in messages


def test_is_updating_must_be_the_string_true_or_false(integrate, nps):
    integrate("DongBoHoSoMC", isUpdating=True, data=[dossier()])
    assert _problems(nps)[0] == [("type", "$.isUpdating")]


def test_nfc_problems_in_field_names_are_found_too():
    validator = PacketValidator(EDITION_DIR / "packets")
    name = unicodedata.normalize("NFD", "GhiChú")
    problems = validator.validate("DongBoHoSoMC", {"session": "s", "madonvi": "m", "service": "DongBoHoSoMC",
                                                   "isUpdating": "False", "data": [dossier(**{name: "x"})]})
    assert [(p["kind"], p["path"]) for p in problems] == [("nfc", f"$.data[0].{name}")]


def test_payment_messages_are_validated_by_their_own_schemas():
    validator = PacketValidator(EDITION_DIR / "packets")
    from npshelpers import init_message, query_message

    assert validator.validate("INIT", init_message()) == []
    assert validator.validate("QUERY", query_message()) == []
    bad = init_message(SoTien="50.000", ThongTinBienLai={"MaHoSo": "x"})
    paths = {(p["rule"], p["path"]) for p in validator.validate("INIT", bad)}
    assert ("pattern", "$.SoTien") in paths
    assert ("required", "$.ThongTinBienLai.PhiLePhi") in paths


def test_schemas_that_are_missing_or_broken_are_reported_by_file(tmp_path):
    with pytest.raises(InputError) as missing:
        PacketValidator(tmp_path / "packets")
    assert "packets" in str(missing.value) and "--edition-dir" in str(missing.value)
    folder = tmp_path / "packets"
    folder.mkdir()
    (folder / "DongBoHoSoMC.schema.json").write_text('{"type": "object",\n "required": "MaHoSo"}', encoding="utf-8")
    (folder / "INIT.schema.json").write_text('{"type": ', encoding="utf-8")
    with pytest.raises(InputError) as broken:
        PacketValidator(folder)
    text = str(broken.value)
    assert "DongBoHoSoMC.schema.json" in text and "not a valid JSON Schema" in text
    assert "INIT.schema.json:1:10" in text and "not valid JSON" in text


def test_every_schema_says_where_it_comes_from():
    for path in (EDITION_DIR / "packets").glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert "Reconstructed" in schema["description"], path.name
        assert schema["$schema"].endswith("2020-12/schema"), path.name
