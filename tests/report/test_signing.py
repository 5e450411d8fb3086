"""`dokiem sign` and the signature half of `dokiem verify`, with throwaway keys made here (trustme)."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pypdf
import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from harness import verify
from harness.cli import main


def _pkcs12(ca: trustme.CA, path: Path, password: bytes) -> Path:
    leaf = ca.issue_cert("nguoi-do-kiem@example.vn")
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    cert = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"tester", key, cert, None, serialization.BestAvailableEncryption(password)))
    return path


def _run_folder(folder: Path) -> Path:
    folder.mkdir()
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    (folder / "compliance.pdf").write_bytes(buffer.getvalue())
    (folder / "compliance.json").write_text('{"run": "x"}\n', encoding="utf-8")
    (folder / "evidence").mkdir()
    (folder / "evidence" / "a.txt").write_text("GET / → 200\n", encoding="utf-8")
    verify.write_manifest(folder)
    return folder


@pytest.fixture
def signed(tmp_path, monkeypatch):
    ca = trustme.CA()
    key = _pkcs12(ca, tmp_path / "tester.p12", b"mat-khau-thu")
    monkeypatch.setenv("TEST_P12_PASSWORD", "mat-khau-thu")
    folder = _run_folder(tmp_path / "run")
    assert main(["sign", str(folder), "--key", str(key), "--password-env", "TEST_P12_PASSWORD"]) == 0
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return folder, bundle, tmp_path


def test_a_signed_run_verifies_against_its_ca(signed, capsys):
    folder, bundle, _ = signed
    assert (folder / verify.SIGNATURE).is_file()
    assert pypdf.PdfReader(folder / "compliance.pdf").get_fields()  # the PAdES signature field
    assert main(["verify", str(folder), "--ca-bundle", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK") and out.count("chữ ký hợp lệ") == 2


def test_another_ca_is_not_trusted(signed, tmp_path):
    folder, _, _ = signed
    other = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    assert main(["verify", str(folder), "--ca-bundle", str(other)]) == 1


def test_a_resealed_manifest_fails_once_signed(signed, capsys):
    folder, bundle, _ = signed
    (folder / "evidence" / "a.txt").write_text("GET / → 500\n", encoding="utf-8")
    verify.write_manifest(folder)  # the files now match a recomputed manifest …
    assert verify.verify_folder(folder).ok
    assert main(["verify", str(folder), "--ca-bundle", str(bundle)]) == 1  # … but not its signature
    assert "manifest.sha256: chữ ký không khớp nội dung" in capsys.readouterr().err


def test_a_pdf_changed_after_signing_fails(signed):
    folder, bundle, _ = signed
    pdf = folder / "compliance.pdf"
    data = bytearray(pdf.read_bytes())
    at = data.index(b"/MediaBox")
    data[at:at + 9] = b"/MediaBoX"
    pdf.write_bytes(bytes(data))
    verify.write_manifest(folder)
    assert main(["verify", str(folder), "--ca-bundle", str(bundle)]) == 1


def test_bad_keys_and_folders_are_exit_2(tmp_path, monkeypatch, capsys):
    folder = _run_folder(tmp_path / "run")
    assert main(["sign", str(folder), "--key", str(tmp_path / "none.p12")]) == 2
    key = _pkcs12(trustme.CA(), tmp_path / "k.p12", b"right")
    monkeypatch.setenv("WRONG_PASSWORD", "wrong")
    assert main(["sign", str(folder), "--key", str(key), "--password-env", "WRONG_PASSWORD"]) == 2
    (folder / "evidence" / "a.txt").write_text("changed\n", encoding="utf-8")
    monkeypatch.setenv("RIGHT_PASSWORD", "right")
    assert main(["sign", str(folder), "--key", str(key), "--password-env", "RIGHT_PASSWORD"]) == 2
    assert not (folder / verify.SIGNATURE).exists()
    (tmp_path / "junk.p12").write_bytes(b"not a key")
    assert main(["sign", str(folder), "--key", str(tmp_path / "junk.p12")]) == 2
    assert main(["verify", str(folder), "--ca-bundle", str(tmp_path / "none.pem")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "dokiem sign:" in err


def test_a_token_key_without_the_pkcs11_extra_is_exit_2_saying_what_to_install(tmp_path, monkeypatch, capsys):
    import sys

    for name in ("pkcs11", "pkcs11.exceptions", "pyhanko.sign.pkcs11", "pyhanko.config.pkcs11"):
        monkeypatch.setitem(sys.modules, name, None)  # as if `pip install 'dokiem[pkcs11]'` had not been run
    module = tmp_path / "vendor-pkcs11.so"
    module.write_bytes(b"")
    monkeypatch.setenv("TOKEN_PIN", "123456")
    folder = _run_folder(tmp_path / "run")
    assert main(["sign", str(folder), "--key", "pkcs11:token=t;object=k", "--pkcs11-lib", str(module),
                 "--password-env", "TOKEN_PIN"]) == 2
    err = capsys.readouterr().err
    assert "dokiem[pkcs11]" in err and "Traceback" not in err
    assert not (folder / verify.SIGNATURE).exists()
