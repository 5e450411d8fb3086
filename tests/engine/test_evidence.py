"""Redaction runs before anything is written (docs/ARCHITECTURE.md, "Outputs and trust")."""
from __future__ import annotations

import json

from harness.evidence import MASK, EvidenceStore, Exchange, Redactor, Transcript

SECRET = "Mk-bi-mat-2026!"


def test_secrets_headers_and_citizen_ids_are_removed(tmp_path):
    redactor = Redactor()
    redactor.add(SECRET, "ab", None)  # too short or empty values are ignored
    store = EvidenceStore(tmp_path, redactor)
    path = store.write_text("security.lockout", "log.txt",
                            f"login with {SECRET}; CCCD 001099012345; sent 20261124093000; id ab")
    text = (tmp_path / path).read_text(encoding="utf-8")
    assert SECRET not in text and "001099012345" not in text
    assert "20261124093000" in text          # 14-digit packet timestamps survive
    assert " ab" in text                      # short values are not treated as secrets
    assert path.startswith("evidence/security.lockout/")


def test_json_keys_that_hold_secrets_are_masked(tmp_path):
    store = EvidenceStore(tmp_path, Redactor())
    path = store.write_json("dossier.life", "login.json", {
        "username": "congdan1", "password": "anything", "matKhau": "x1", "session": "tok",
        "nested": [{"MaXacThuc": "abc", "SoGiayToChuHoSo": "079203001234"}]})
    data = json.loads((tmp_path / path).read_text(encoding="utf-8"))
    assert data["username"] == "congdan1"
    assert data["password"] == data["matKhau"] == data["session"] == MASK
    assert data["nested"][0]["MaXacThuc"] == MASK
    assert "079203001234" not in json.dumps(data)


def test_transcript_masks_auth_headers_cookies_and_form_passwords():
    redactor = Redactor()
    redactor.add("tok-123456")
    transcript = Transcript(redactor)
    transcript.record(Exchange("POST", "https://portal/login", {"Content-Type": "application/x-www-form-urlencoded",
                                                                "Cookie": "sid=abc"},
                               "username=congdan1&password=hunter2&csrf_token=zz", 302,
                               {"Set-Cookie": "sid=def; HttpOnly", "Location": "/"}, "", 12.0))
    transcript.record(Exchange("GET", "https://portal/api/me", {"Authorization": "Bearer tok-123456"}, "", 200,
                               {"Content-Type": "application/json"}, '{"token": "tok-123456", "name": "An"}', 5.0))
    text = transcript.render()
    for leaked in ("hunter2", "sid=abc", "sid=def", "tok-123456", "zz"):
        assert leaked not in text
    assert "congdan1" in text and '"name": "An"' in text


def test_keys_that_describe_secrets_are_not_masked():
    from harness.evidence import is_secret_key

    for key in ("password", "Password", "matKhau", "mat_khau", "MaXacThuc", "csrf_token", "access_token",
                "session", "sessionid", "X-Api-Key", "new_password", "otp"):
        assert is_secret_key(key), key
    for key in ("passed", "session_end", "password_length", "password_policy", "token_count", "passes",
                "status_label", "processing_days", "compass", "password_problems"):
        assert not is_secret_key(key), key


def test_decimal_fractions_are_not_taken_for_citizen_ids():
    redactor = Redactor()
    assert redactor.text("avg 646.123456789012 ms") == "avg 646.123456789012 ms"
    assert "001099012345" not in redactor.text("CCCD: 001099012345.")
