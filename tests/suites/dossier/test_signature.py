"""suites/dossier/signature.py: an e-result's signature verifies only when the signature covers
exactly that file and chains to the trusted CA; what cannot be checked is never reported valid."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from suites.dossier import signature

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n(Ket qua giai quyet ho so 000.00.10.H29-261125-0001)\n%%EOF\n"
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")


def _cert(name, key, issuer_name, issuer_key, ca, days=30, start=None):
    start = start or dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(issuer_key, hashes.SHA256()))


def _authority(tmp_path, name="dokiem test CA"):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = _cert(name, key, subject, key, ca=True, days=365)
    path = tmp_path / f"{name.replace(' ', '-')}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key, path


@pytest.fixture
def pki(tmp_path):
    ca_cert, ca_key, ca_path = _authority(tmp_path)
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = _cert("UBND tỉnh An Bình - ký số", signer_key, ca_cert.subject, ca_key, ca=False)
    return {"ca": ca_path, "ca_cert": ca_cert, "ca_key": ca_key, "cert": signer, "key": signer_key}


def _sign(data: bytes, cert, key) -> bytes:
    return (pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(cert, key, hashes.SHA256())
            .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))


def _pdf_with_embedded_signature(cert, key) -> bytes:
    """A PDF whose /Contents holds a CMS signature over the bytes /ByteRange names."""
    width, room = 10, 8192
    head = b"%PDF-1.4\n1 0 obj << /Type /Sig /ByteRange [" + b" ".join([b"0" * width] * 4) + b"] /Contents <"
    tail = b"> >> endobj\ntrailer << >>\n%%EOF\n"
    a, c = len(head) - 1, len(head) + room + 1  # the hole is <…>, brackets included
    total = len(head) + room + len(tail)
    numbers = b" ".join(str(n).zfill(width).encode() for n in (0, a, c, total - c))
    head = head.replace(b" ".join([b"0" * width] * 4), numbers)
    signed = head[:-1] + tail[1:]
    der = _sign(signed, cert, key).hex().encode()
    return head + der.ljust(room, b"0") + tail


@needs_openssl
def test_a_detached_signature_over_the_file_verifies(pki):
    found = signature.verify_result(PDF, _sign(PDF, pki["cert"], pki["key"]), pki["ca"])
    assert found["kind"] == "detached" and found["verified"] is True, found
    assert "An Bình" in found["signer"]["subject"]
    assert found["signer"]["not_before"] < found["checked_at"] < found["signer"]["not_after"]


@needs_openssl
def test_a_signature_over_other_bytes_does_not_verify(pki):
    tampered = PDF.replace(b"0001", b"0002")
    found = signature.verify_result(tampered, _sign(PDF, pki["cert"], pki["key"]), pki["ca"])
    assert found["verified"] is False and found["detail"]


@needs_openssl
def test_a_signer_from_another_ca_does_not_verify(pki, tmp_path):
    _, _, other_ca = _authority(tmp_path, "another CA")
    found = signature.verify_result(PDF, _sign(PDF, pki["cert"], pki["key"]), other_ca)
    assert found["verified"] is False


@needs_openssl
def test_an_expired_signing_certificate_does_not_verify(pki):
    expired = _cert("expired signer", pki["key"], pki["ca_cert"].subject, pki["ca_key"], ca=False, days=1,
                    start=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10))
    found = signature.verify_result(PDF, _sign(PDF, expired, pki["key"]), pki["ca"])
    assert found["verified"] is False
    assert found["signer"]["not_after"] < found["checked_at"]


@needs_openssl
def test_a_signature_embedded_in_the_pdf_verifies(pki):
    pdf = _pdf_with_embedded_signature(pki["cert"], pki["key"])
    found = signature.verify_result(pdf, None, pki["ca"])
    assert found["kind"] == "pdf" and found["verified"] is True, found
    broken = pdf.replace(b"/Type /Sig", b"/Type /Sog")  # inside the signed range
    assert signature.verify_result(broken, None, pki["ca"])["verified"] is False


def test_an_unsigned_result_is_reported_unsigned(pki):
    found = signature.verify_result(PDF, None, pki["ca"])
    assert found["kind"] is None and found["verified"] is False


def test_without_openssl_nothing_is_called_valid(pki, monkeypatch):
    monkeypatch.setattr(signature.shutil, "which", lambda name: None)
    found = signature.verify_result(PDF, _sign(PDF, pki["cert"], pki["key"]), pki["ca"])
    assert found["verified"] is None and "openssl" in found["detail"]


def test_a_non_cms_signature_has_no_signer(pki):
    assert signature.signer_certificate(b"<html>not a signature</html>") is None
