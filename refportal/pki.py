"""refportal's local certificate authority: the CA (kept in the state folder so the harness can
trust it across restarts), the HTTPS server certificate and the certificate that signs results."""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ORGANISATION = "Cổng Dịch vụ công tỉnh An Bình (refportal)"


@dataclass
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_private(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    os.chmod(path, 0o600)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _now() -> dt.datetime:
    # certificates use the real UTC time, not refportal's shifted business clock
    return dt.datetime.now(dt.timezone.utc)


def _still_valid(cert: x509.Certificate, days: int) -> bool:
    return cert.not_valid_after_utc > _now() + dt.timedelta(days=days)


def ensure_ca(state_dir: Path) -> Issued:
    """Load the CA from state_dir (ca.pem, ca-key.pem) or create it; returns it."""
    cert_path, key_path = state_dir / "ca.pem", state_dir / "ca-key.pem"
    if cert_path.exists() and key_path.exists():
        try:
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            if _still_valid(cert, 30):
                return Issued(cert, key)
        except ValueError:
            pass  # unreadable: make a new one below
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("refportal local CA")
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - dt.timedelta(days=1)).not_valid_after(_now() + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    state_dir.mkdir(parents=True, exist_ok=True)
    _write_private(key_path, _key_pem(key))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Issued(cert, key)


def _issue(ca: Issued, common_name: str, days: int, sans: list[x509.GeneralName] | None,
           usage: list, digital_signature: bool, key_encipherment: bool, non_repudiation: bool) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca.cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(_now() - dt.timedelta(hours=1)).not_valid_after(_now() + dt.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=digital_signature, content_commitment=non_repudiation,
                                            key_encipherment=key_encipherment, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=False, crl_sign=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage(usage), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)


def server_names(host: str) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                     x509.IPAddress(ipaddress.ip_address("::1"))]
    extra = {host, socket.gethostname()} - {"", "0.0.0.0", "::", "localhost", "127.0.0.1", "::1"}
    for value in sorted(extra):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(value)))
        except ValueError:
            names.append(x509.DNSName(value))
    return names


def write_server_cert(ca: Issued, state_dir: Path, host: str) -> tuple[Path, Path]:
    """A fresh server certificate (one year) for this start; returns (cert chain file, key file)."""
    issued = _issue(ca, "refportal", 365, server_names(host), [ExtendedKeyUsageOID.SERVER_AUTH],
                    digital_signature=True, key_encipherment=False, non_repudiation=False)
    cert_path, key_path = state_dir / "server.pem", state_dir / "server-key.pem"
    cert_path.write_bytes(issued.cert.public_bytes(serialization.Encoding.PEM)
                          + ca.cert.public_bytes(serialization.Encoding.PEM))
    _write_private(key_path, _key_pem(issued.key))
    return cert_path, key_path


def ensure_signing_cert(ca: Issued, state_dir: Path) -> Issued:
    """The certificate that signs electronic results, issued by the local CA and kept on disk."""
    cert_path, key_path = state_dir / "signing.pem", state_dir / "signing-key.pem"
    if cert_path.exists() and key_path.exists():
        try:
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            if _still_valid(cert, 30) and cert.issuer == ca.cert.subject:
                return Issued(cert, key)
        except ValueError:
            pass
    issued = _issue(ca, "UBND tỉnh An Bình - ký số kết quả điện tử", 730, None,
                    [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CODE_SIGNING],
                    digital_signature=True, key_encipherment=False, non_repudiation=True)
    _write_private(key_path, _key_pem(issued.key))
    cert_path.write_bytes(issued.cert.public_bytes(serialization.Encoding.PEM))
    return issued
