"""The pure helpers: Vietnamese text (NFC, legacy encodings) and the axe rule mapping file."""
from __future__ import annotations

import unicodedata

import pytest

from harness.yamlsource import InputError
from suites.accessibility import axe_rules, vietnamese

CLEAN = ("Cộng hòa xã hội chủ nghĩa Việt Nam — Độc lập, Tự do, Hạnh phúc. «Thủ tục» · 25°C © 2026 "
         "(Hà Nội), “trích dẫn”, the portal’s English page, e-mail: a@b.vn, 1.001233.000.00.00.H29")


def test_clean_vietnamese_is_nfc_and_not_legacy():
    assert vietnamese.is_nfc(CLEAN) and vietnamese.non_nfc_words(CLEAN) == []
    assert vietnamese.legacy_suspect_words(CLEAN) == [] and not vietnamese.looks_legacy(CLEAN)


def test_decomposed_words_are_named():
    text = "Tra cứu " + unicodedata.normalize("NFD", "hồ sơ") + " trực tuyến"
    assert not vietnamese.is_nfc(text)
    assert [unicodedata.normalize("NFC", w) for w in vietnamese.non_nfc_words(text)] == ["hồ", "sơ"]


@pytest.mark.parametrize("legacy, expected", [
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam", ["hßa", "chñ", "nghÜa", "ViÖt"]),          # TCVN3 (ABC)
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", ["Coäng", "hoøa", "hoäi", "chuû", "Vieät"]),  # VNI
    ("Viá»‡t Nam Ä‘á»™c láº­p", ["Viá»‡t", "Ä‘á»™c", "láº\xadp"]),                   # UTF-8 read as cp1252
])
def test_legacy_encodings_are_recognised(legacy, expected):
    assert vietnamese.legacy_suspect_words(legacy) == expected
    assert vietnamese.looks_legacy(legacy) and vietnamese.looks_legacy(CLEAN + " " + legacy)


def test_a_few_foreign_words_do_not_make_a_page_legacy():
    assert not vietnamese.looks_legacy(CLEAN + " Herr Müller, naïve café")  # two suspect words: below the bar


def test_legacy_fonts_are_named():
    assert vietnamese.legacy_fonts([".VnTime, serif", "system-ui, Arial", '"VNI-Times"', "Roboto"]) == \
        ['"VNI-Times"', ".VnTime, serif"]


def test_the_mapping_loads_and_describes_rules():
    rules = axe_rules.load()
    contrast = rules.describe("color-contrast")
    assert contrast["tt32"] == ["a"] and contrast["wcag"] == ["1.4.3"]
    assert "Điều 18 điểm a" in contrast["text"] and "Art. 18(a)" in contrast["text"]
    other = rules.describe("list")
    assert other["tt32"] == [] and "ngoài các điểm a–d" in other["text_vi"]
    unknown = rules.describe("future-rule", ["wcag2aa", "wcag1410"])
    assert not unknown["mapped"] and unknown["wcag"] == ["1.4.10"]


def test_wcag_levels_become_axe_tags():
    assert axe_rules.axe_tags("A") == ["wcag2a"]
    assert axe_rules.axe_tags("aa") == ["wcag2a", "wcag2aa"]
    with pytest.raises(ValueError, match="a11y.wcag_level 'B' is not A, AA or AAA"):
        axe_rules.axe_tags("B")


def test_a_bad_mapping_file_names_the_file_line_rule_and_field(tmp_path):
    bad = tmp_path / "axe_rules.yaml"
    bad.write_text("points:\n  a: {vi: màu, en: colour}\nrules:\n  color-contrast: {tt32: [a], wcag: ['1.4.3']}\n"
                   "  image-alt: {tt32: [e], wcag: ['1.1.1']}\n  link-name: {tt32: [a], wcag: [4.4]}\n"
                   "  label: {tt32: [], wcag: ['1.3.1'], note: x}\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        axe_rules.load(bad)
    lines = [str(p) for p in error.value.problems]
    assert len(lines) == 3
    assert lines[0].startswith(f"{bad}:5:") and "rules.image-alt.tt32" in lines[0] and "['a']" in lines[0]
    assert ":6:" in lines[1] and "rules.link-name.wcag" in lines[1] and '"1.4.3"' in lines[1]
    assert ":7:" in lines[2] and "unknown field 'note'" in lines[2]
