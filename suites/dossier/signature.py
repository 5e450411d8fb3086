"""Verifying the digital signature of an electronic result (dossier.result_signed).

Two shapes are accepted: a detached CMS/PKCS#7 signature (DER) over the file, or a signature
embedded in the PDF (/ByteRange + /Contents). Verification is OpenSSL's (`openssl cms -verify`,
chain up to the profile's CA file, or the system's roots when the profile names none):
the `cryptography` package signs CMS but cannot verify it. The signer certificate's validity
period is read with `cryptography`. Anything that cannot be verified is reported as such, never
as a valid signature: the judge turns "could not verify" into ERROR and "does not verify" into FAIL.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7

OPENSSL_TIMEOUT_S = 30
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_CONTENTS = re.compile(rb"/Contents\s*<([0-9A-Fa-f\s]+)>")


def embedded_signature(pdf: bytes) -> tuple[bytes, bytes] | None:
    """(signed bytes, CMS DER) of the last signature embedded in a PDF, or None when there is none."""
    ranges = list(_BYTE_RANGE.finditer(pdf))
    if not ranges:
        return None
    last = ranges[-1]
    contents = None
    for match in _CONTENTS.finditer(pdf):
        contents = match  # the /Contents of the signature dictionary sits beside its /ByteRange
        if match.start() > last.start():
            break
    if contents is None:
        return None
    a, b, c, d = (int(x) for x in last.groups())
    signed = pdf[a:a + b] + pdf[c:c + d]
    der = bytes.fromhex(re.sub(rb"\s", b"", contents.group(1)).decode("ascii"))
    return signed, _trim_der(der)


def _trim_der(der: bytes) -> bytes:
    """/Contents is padded with zeros after the DER object: keep the object only."""
    if len(der) < 2 or der[0] != 0x30:
        return der
    first = der[1]
    if first < 0x80:
        return der[:2 + first]
    count = first & 0x7F
    length = int.from_bytes(der[2:2 + count], "big")
    return der[:2 + count + length]


def signer_certificate(signature: bytes) -> dict | None:
    """Subject and validity of the signing certificate carried in a CMS signature (None if none)."""
    try:
        certificates = pkcs7.load_der_pkcs7_certificates(signature)
    except ValueError:
        return None
    if not certificates:
        return None

    def is_ca(cert: x509.Certificate) -> bool:
        try:
            return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
        except x509.ExtensionNotFound:
            return False

    cert = next((c for c in certificates if not is_ca(c)), certificates[0])
    return {"subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "not_before": cert.not_valid_before_utc.isoformat(), "not_after": cert.not_valid_after_utc.isoformat()}


def openssl_verify(content: bytes, signature: bytes, ca_file: str | Path | None) -> dict:
    """{"verified": True|False|None, "detail": text}. None: the signature could not be checked here."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return {"verified": None, "detail": "openssl không có trên máy chạy dokiem — openssl is not installed"}
    with tempfile.TemporaryDirectory(prefix="dokiem-sig-") as folder:
        data_path, sig_path = Path(folder) / "content.bin", Path(folder) / "signature.der"
        data_path.write_bytes(content)
        sig_path.write_bytes(signature)
        command = [openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(sig_path),
                   "-content", str(data_path), "-purpose", "any", "-out", str(Path(folder) / "out.bin")]
        if ca_file:
            command += ["-CAfile", str(ca_file)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=OPENSSL_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return {"verified": None, "detail": f"openssl không chạy được — openssl failed to run: {exc}"}
    detail = (done.stderr or b"").decode("utf-8", errors="replace").strip()[:1000]
    # a non-zero exit is a signature that does not verify: wrong content, untrusted signer,
    # expired certificate, or something that is not a CMS signature at all
    return {"verified": done.returncode == 0, "detail": detail or f"openssl exit {done.returncode}"}


def verify_result(pdf: bytes, detached: bytes | None, ca_file: str | Path | None) -> dict:
    """Everything dossier.result_signed judges, measured now: which signature, whether it verifies,
    the signer certificate, and when it was checked."""
    checked_at = dt.datetime.now(dt.timezone.utc).isoformat()
    kind, content, signature = None, pdf, None
    if detached:
        kind, signature = "detached", detached
    else:
        embedded = embedded_signature(pdf)
        if embedded is not None:
            kind, (content, signature) = "pdf", embedded
    if signature is None:
        return {"kind": None, "verified": False, "detail": "không có chữ ký số — no signature found (neither "
                "detached nor embedded in the PDF)", "signer": None, "checked_at": checked_at}
    outcome = openssl_verify(content, signature, ca_file)
    return {"kind": kind, **outcome, "signer": signer_certificate(signature), "checked_at": checked_at,
            "ca_file": str(ca_file) if ca_file else None}
