"""suites/dossier/documents.py: forms read as text, dates found the ways Vietnamese forms write them."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

from suites.dossier import documents


def test_html_form_text_skips_scripts_and_keeps_vietnamese_nfc():
    decomposed = unicodedata.normalize("NFD", "Giấy tiếp nhận")
    html = (f"<html><head><title>x</title><script>var secret = 1;</script></head><body><h1>{decomposed}</h1>"
            "<p>Mã hồ sơ: <span>000.00.10.H29-261125-0001</span></p><p>Ngày&nbsp;hẹn: 09/12/2026</p></body></html>")
    text = documents.document_text(html.encode(), "text/html; charset=utf-8")
    assert "Giấy tiếp nhận" in text and "secret" not in text
    assert "000.00.10.H29-261125-0001" in text and "Ngày hẹn: 09/12/2026" in text


def test_docx_and_pdf_forms_are_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:p><w:t>Phiếu xin lỗi</w:t></w:p>"
                                              "<w:p><w:t>Mã hồ sơ X-1</w:t></w:p></w:document>")
    assert documents.document_text(buffer.getvalue(), "application/vnd.openxmlformats-officedocument."
                                   "wordprocessingml.document") == "Phiếu xin lỗi Mã hồ sơ X-1"
    pdf = b"%PDF-1.4\nBT (Ma ho so 000.00.10.H29-261125-0001) Tj (Ngay hen 09/12/2026) Tj ET\n%%EOF"
    assert "000.00.10.H29-261125-0001" in documents.document_text(pdf, "application/pdf")


def test_dates_in_the_ways_forms_write_them():
    text = ("hẹn trả 09/12/2026, tiếp nhận 2026-11-25T10:00:00+07:00, ngày 4 tháng 12 năm 2026, "
            "gói tin 20261126083000, không phải ngày: 000.00.10.H29-261125-0001, 31/02/2026")
    assert documents.dates_in(text) == [dt.date(2026, 11, 25), dt.date(2026, 11, 26), dt.date(2026, 12, 4),
                                        dt.date(2026, 12, 9)]


def test_times_are_read_in_vietnam_time():
    assert documents.local_date("2026-11-25T20:30:00+00:00") == dt.date(2026, 11, 26)
    assert documents.parse_time("20261125083000").isoformat() == "2026-11-25T08:30:00+07:00"
    assert documents.parse_time("17:00 09/12/2026").isoformat() == "2026-12-09T17:00:00+07:00"
    assert documents.parse_time("not a time") is None and documents.parse_time(None) is None


def test_values_are_compared_as_a_reader_would():
    assert documents.contains("Người nộp:  NGUYỄN VĂN AN", unicodedata.normalize("NFD", "Nguyễn Văn An"))
    assert not documents.contains("anything", "")
    assert documents.phone_digits("+84 912 345 601") == documents.phone_digits("0912.345.601") == "0912345601"
    assert documents.parse_date("15/03/1990") == documents.parse_date("1990-03-15") == dt.date(1990, 3, 15)
