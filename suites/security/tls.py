"""TLS probes: which protocol versions an endpoint accepts, and what certificate it presents.

The client offers exactly one version per handshake (minimum = maximum) with OpenSSL security
level 0, so it can still speak TLS 1.0 and 1.1 that today's defaults refuse. Whether this
machine's OpenSSL can speak a version at all is found out first, by a handshake with itself in
memory: a version the client cannot offer is recorded as such and the check is ERROR, never a
"refused" that would pass.
"""
from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import socket
import ssl
import warnings

from cryptography import x509
from cryptography.x509.oid import ExtensionOID

VERSIONS = ("1.0", "1.1", "1.2", "1.3")
LEGACY_CIPHERS = "DEFAULT:@SECLEVEL=0"


def tls_version(name: str) -> ssl.TLSVersion:
    with warnings.catch_warnings():  # TLSv1 and TLSv1_1 are deprecated names, which is the point here
        warnings.simplefilter("ignore", DeprecationWarning)
        return {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[name]


def version_context(name: str, server: bool = False) -> ssl.SSLContext:
    """A context that speaks only TLS `name`, at security level 0 (no certificate checks as a client)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
    if not server:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = context.maximum_version = tls_version(name)
    context.set_ciphers(LEGACY_CIPHERS)
    return context


@functools.lru_cache(maxsize=None)
def client_can_speak(name: str) -> tuple[bool, str]:
    """(True, "") when this machine's OpenSSL completes a TLS `name` handshake with itself in memory."""
    import trustme

    try:
        ca = trustme.CA()
        server = version_context(name, server=True)
        ca.issue_cert("self-test.invalid").configure_cert(server)
        client = version_context(name)
    except (ssl.SSLError, ValueError) as exc:
        return False, f"{type(exc).__name__}: {exc}"
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    near = client.wrap_bio(c_in, c_out, server_hostname="self-test.invalid")
    far = server.wrap_bio(s_in, s_out, server_side=True)
    for _ in range(20):
        done = 0
        for end, outgoing, peer_incoming in ((near, c_out, s_in), (far, s_out, c_in)):
            try:
                end.do_handshake()
                done += 1
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError as exc:
                return False, f"{type(exc).__name__}: {exc.reason or exc}"
            data = outgoing.read()
            if data:
                peer_incoming.write(data)
        if done == 2:
            return True, ""
    return False, "the in-memory handshake did not finish"


def _server_name(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
        return None  # no SNI for an address
    except ValueError:
        return host


def probe_version(host: str, port: int, name: str, timeout: float) -> dict:
    """One handshake offering only TLS `name`: accepted, refused, no_answer or cannot_measure."""
    row = {"version": name, "outcome": None, "negotiated": None, "detail": ""}
    can, why = client_can_speak(name)
    if not can:
        return {**row, "outcome": "cannot_measure",
                "detail": f"OpenSSL của máy đo không dùng được TLS {name} — this machine cannot offer it: {why}"}
    try:
        raw = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        return {**row, "outcome": "no_answer", "detail": f"{type(exc).__name__}: {exc}"}
    try:
        with version_context(name).wrap_socket(raw, server_hostname=_server_name(host)) as tls:
            return {**row, "outcome": "accepted", "negotiated": tls.version(), "detail": tls.cipher()[0]}
    except (socket.timeout, TimeoutError) as exc:
        return {**row, "outcome": "no_answer", "detail": f"timeout: {exc}"}
    except (ssl.SSLError, ConnectionError) as exc:
        # an alert (protocol version, handshake failure) or the server closing on our hello
        return {**row, "outcome": "refused", "detail": f"{type(exc).__name__}: {getattr(exc, 'reason', None) or exc}"}
    except OSError as exc:
        return {**row, "outcome": "no_answer", "detail": f"{type(exc).__name__}: {exc}"}
    finally:
        raw.close()


def _lenient(context: ssl.SSLContext) -> ssl.SSLContext:
    # the certificate is judged whatever version the server speaks; the version is another check
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers(LEGACY_CIPHERS)
    return context


def _handshake(context: ssl.SSLContext, host: str, port: int, timeout: float):
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=_server_name(host) or host) as tls:
            return tls.getpeercert(binary_form=True)


def probe_certificate(host: str, port: int, ca_file: str | None, timeout: float) -> dict:
    """The endpoint's certificate: chain verified against ca_file (or the system roots), host name
    as OpenSSL checks it, validity dates and names; `probed_at` lets the judge count days left."""
    trust = "ca_file" if ca_file else "system"
    row = {"host": host, "port": port, "trust": trust, "ca_file": ca_file, "chain_ok": None, "chain_error": None,
           "hostname_ok": None, "hostname_error": None, "not_before": None, "not_after": None, "subject": None,
           "issuer": None, "dns_names": [], "ip_addresses": [], "error": None,
           "probed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    try:
        plain = _lenient(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        plain.check_hostname = False
        plain.verify_mode = ssl.CERT_NONE
        der = _handshake(plain, host, port, timeout)
    except OSError as exc:
        return {**row, "error": f"{type(exc).__name__}: {exc}"}
    row.update(describe_certificate(der))
    verifying = _lenient(ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context())
    # the chain first, then (only when it holds) the host name as well
    for check, check_hostname in (("chain", False), ("hostname", True)):
        verifying.check_hostname = check_hostname
        try:
            _handshake(verifying, host, port, timeout)
            row[f"{check}_ok"] = True
        except ssl.SSLCertVerificationError as exc:
            row[f"{check}_ok"], row[f"{check}_error"] = False, exc.verify_message or str(exc)
        except OSError as exc:
            row["error"] = f"{type(exc).__name__}: {exc}"
            break
        if not row[f"{check}_ok"]:
            break
    return row


def describe_certificate(der: bytes) -> dict:
    cert = x509.load_der_x509_certificate(der)
    try:
        names = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        dns = names.get_values_for_type(x509.DNSName)
        ips = [str(ip) for ip in names.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        dns, ips = [], []
    return {"not_before": cert.not_valid_before_utc.isoformat(), "not_after": cert.not_valid_after_utc.isoformat(),
            "subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "dns_names": list(dns), "ip_addresses": ips}


def hostname_matches(host: str, dns_names: list[str], ip_addresses: list[str]) -> bool:
    """RFC 6125 matching, as browsers do it: an address against IP names, a name against DNS names
    (one wildcard label at the left, never for a bare suffix)."""
    try:
        address = ipaddress.ip_address(host)
        return any(ipaddress.ip_address(ip) == address for ip in ip_addresses)
    except ValueError:
        pass
    host = host.rstrip(".").lower()
    for name in dns_names:
        name = name.rstrip(".").lower()
        if name == host:
            return True
        if name.startswith("*.") and name.count(".") >= 2:
            suffix = name[1:]
            if host.endswith(suffix) and "." not in host[: -len(suffix)] and host[: -len(suffix)]:
                return True
    return False


def observe(profile, timeout: float) -> dict:
    """Every distinct endpoint of the profile's base URLs: versions offered one by one, and the certificate."""
    from urllib.parse import urlsplit

    from suites.security.sweep import distinct_bases

    ca_file = str(profile.ca_file) if profile.ca_file else None
    endpoints, seen = [], set()
    for name, url in distinct_bases(profile).items():
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        key = (parts.scheme, parts.hostname, port)
        if key in seen:
            continue
        seen.add(key)
        row = {"base": name, "url": url, "scheme": parts.scheme, "host": parts.hostname, "port": port,
               "versions": [], "certificate": None}
        if parts.scheme == "https":
            row["versions"] = [probe_version(parts.hostname, port, v, timeout) for v in VERSIONS]
            row["certificate"] = probe_certificate(parts.hostname, port, ca_file, timeout)
        endpoints.append(row)
    return {"endpoints": endpoints, "client": {"openssl": ssl.OPENSSL_VERSION,
                                               "can_speak": {v: client_can_speak(v)[0] for v in VERSIONS}}}
