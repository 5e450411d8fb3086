"""`dokiem sign RUN_DIR --key KEY` and the signature half of `dokiem verify RUN_DIR` (pyHanko).

Signing: the folder must first match its manifest; compliance.pdf gets a PAdES signature
(an incremental update, so the manifest is rewritten over the signed PDF), then manifest.sha256
gets a detached CMS/PKCS#7 signature, manifest.sha256.p7s. The manifest lists every file, so the
signature covers the whole run; a folder whose files were changed and whose manifest was then
recomputed ("re-sealed") no longer matches the signature.

Keys: a PKCS#12 file (.p12/.pfx; its password in the environment variable --password-env names),
or a PKCS#11 token (the USB tokens Vietnamese digital signatures use): --key
"pkcs11:token=<label>;object=<key label>" with --pkcs11-lib the vendor's module and the PIN in
--password-env; it needs the optional extra `pip install 'dokiem[pkcs11]'`.

Verification checks each signature's integrity and signer certificate (validity period, and with
--ca-bundle a chain to one of those CAs); exit 0 all good, 1 something does not match, 2 bad input.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from harness import verify as manifest

# pyHanko imports cryptography's DSA, which warns on import; a tester has no use for that warning
warnings.filterwarnings("ignore", message="DSA is deprecated")

PDF_FIELD = "dokiem-nguoi-do-kiem"
SIGNED_PDFS = ("compliance.pdf",)


class SigningError(Exception):
    """Bad input to sign or verify: exit 2 with this message."""


def add_commands(commands) -> None:
    verify = commands.add_parser("verify", help="check a run folder against its manifest.sha256 and its "
                                                "signatures (exit 1 naming every changed, added or missing file)")
    verify.add_argument("dir", metavar="DIR", type=Path, help="a run's output folder")
    verify.add_argument("--ca-bundle", metavar="PEM", type=Path,
                        help="CA certificates (PEM) the signer's certificate must chain to")
    sign = commands.add_parser("sign", help="sign a run folder: PAdES on compliance.pdf, detached CMS on "
                                            "manifest.sha256 (pyHanko)")
    sign.add_argument("dir", metavar="RUN_DIR", type=Path, help="a run's output folder")
    sign.add_argument("--key", required=True, metavar="KEY",
                      help="PKCS#12 file (.p12/.pfx) or a PKCS#11 URI pkcs11:token=LABEL;object=KEY_LABEL")
    sign.add_argument("--password-env", metavar="VAR", default="DOKIEM_KEY_PASSWORD",
                      help="environment variable holding the PKCS#12 password or the token PIN "
                           "(default DOKIEM_KEY_PASSWORD)")
    sign.add_argument("--pkcs11-lib", metavar="LIB", help="the token's PKCS#11 module (.so/.dll)")


def _in_thread(function, *args):
    """Run pyHanko in a thread of its own: it drives its own asyncio loop, which cannot start where
    a loop is already running (a caller using Playwright's sync API, for one)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


# ------------------------------------------------------------------ keys

def _secret(var: str) -> bytes | None:
    value = os.environ.get(var)
    return value.encode("utf-8") if value is not None else None


@contextlib.contextmanager
def open_signer(key: str, password_env: str, pkcs11_lib: str | None = None):
    """A pyHanko Signer from a PKCS#12 file or a PKCS#11 token (its session closed afterwards);
    SigningError on bad input."""
    if not key.startswith("pkcs11:"):
        yield _pkcs12_signer(key, password_env)
        return
    parts = _pkcs11_parts(key)
    session = _pkcs11_session(key, parts, password_env, pkcs11_lib)
    from pkcs11.exceptions import PKCS11Error  # installed: the session opened (else SigningError above)

    try:
        yield _pkcs11_signer(session, key, parts)
    except PKCS11Error as exc:  # the token refused to sign (a mechanism it lacks, pulled out, PIN expired)
        raise SigningError(f"{key}: token từ chối ký — the token refused to sign: {type(exc).__name__} {exc}") from None
    finally:
        session.close()


def _pkcs12_signer(key: str, password_env: str):
    from pyhanko.sign import signers

    path = Path(key)
    if not path.is_file():
        raise SigningError(f"{key}: không có tệp khóa — no such key file (a PKCS#12 .p12/.pfx or pkcs11:…)")
    try:
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=_secret(password_env))
    except (ValueError, TypeError):  # not PKCS#12 at all
        signer = None
    if signer is None:
        raise SigningError(f"{key}: không mở được tệp PKCS#12 — cannot open the PKCS#12 file (wrong password in "
                           f"${password_env}?)")
    return signer


def _pkcs11_parts(uri: str) -> dict[str, str]:
    parts = dict(p.split("=", 1) for p in uri.removeprefix("pkcs11:").split(";") if "=" in p)
    if "token" not in parts or "object" not in parts:
        raise SigningError(f"{uri}: phải có dạng pkcs11:token=NHÃN;object=NHÃN_KHÓA — expected "
                           "pkcs11:token=LABEL;object=KEY_LABEL")
    return parts


def _pkcs11_session(uri: str, parts: dict[str, str], password_env: str, lib: str | None):
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11
    except ImportError:
        raise SigningError("ký bằng token PKCS#11 cần gói bổ sung — PKCS#11 needs: pip install 'dokiem[pkcs11]'") from None
    if not lib or not Path(lib).is_file():
        raise SigningError(f"--pkcs11-lib {lib or ''}: cần tệp thư viện PKCS#11 của token — the token's PKCS#11 "
                           "module (.so/.dll) is required")
    pin = os.environ.get(password_env)
    if pin is None:
        raise SigningError(f"${password_env}: chưa đặt mã PIN của token — the token's PIN is not set in ${password_env}")
    try:
        return pkcs11.open_pkcs11_session(lib, token_criteria=TokenCriteria(label=parts["token"]), user_pin=pin)
    except Exception as exc:  # the module's own errors: no such token, wrong PIN, locked token
        raise SigningError(f"{uri}: không mở được token — cannot open the token (no token labelled "
                           f"'{parts['token']}', or a wrong PIN in ${password_env}): {type(exc).__name__}: {exc}") from None


def _pkcs11_signer(session, uri: str, parts: dict[str, str]):
    from pyhanko.sign import pkcs11

    try:
        signer = pkcs11.PKCS11Signer(session, key_label=parts["object"], cert_label=parts.get("cert", parts["object"]))
        signer.signing_cert  # the certificate is read now: a key that is not there is said before anything is signed
    except Exception as exc:
        raise SigningError(f"{uri}: token không có khóa và chứng thư nhãn '{parts['object']}' — the token holds no key "
                           f"and certificate labelled '{parts['object']}': {type(exc).__name__}: {exc}") from None
    return signer


# ------------------------------------------------------------------ signing

def _sign_pdf(path: Path, signer) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    data = path.read_bytes()
    import io

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(field_name=PDF_FIELD, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason="Biên bản đánh giá, đo kiểm — dokiem")
    out = signers.sign_pdf(writer, meta, signer=signer)
    path.write_bytes(out.getvalue())


def sign_folder(folder: Path, signer) -> list[str]:
    """Sign a run folder that matches its manifest; return what was signed."""
    folder = Path(folder)
    try:
        checked = manifest.verify_folder(folder)
    except manifest.ManifestMissing as exc:
        raise SigningError(str(exc)) from None
    if not checked.ok:
        raise SigningError(f"{folder}: thư mục không khớp tệp kê khai, không ký — the folder does not match its "
                           "manifest; it is not signed (dokiem verify names the files)")
    done = []
    for name in SIGNED_PDFS:
        if (folder / name).is_file():
            _sign_pdf(folder / name, signer)
            done.append(f"{name} (PAdES)")
    manifest.write_manifest(folder)  # over the signed PDF
    content = asyncio.run(signer.async_sign_general_data((folder / manifest.MANIFEST).read_bytes(), "sha256",
                                                         detached=True))
    (folder / manifest.SIGNATURE).write_bytes(content.dump())
    done.append(f"{manifest.MANIFEST} → {manifest.SIGNATURE} (CMS)")
    return done


def sign_command(args) -> int:
    try:
        with open_signer(args.key, args.password_env, args.pkcs11_lib) as signer:
            done = _in_thread(sign_folder, args.dir, signer)
    except SigningError as exc:
        print(f"dokiem sign: {exc}", file=sys.stderr)
        return 2
    for line in done:
        print(f"đã ký — signed: {line}")
    return 0


# ------------------------------------------------------------------ verification

@dataclass
class SignatureCheck:
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    signed: bool = False


def _context(ca_bundle: Path | None):
    from pyhanko_certvalidator import ValidationContext

    if ca_bundle is None:
        return None
    from asn1crypto import pem, x509

    if not Path(ca_bundle).is_file():
        raise SigningError(f"{ca_bundle}: không có tệp CA — no such CA bundle (PEM)")
    roots = [x509.Certificate.load(der) for _, _, der in pem.unarmor(Path(ca_bundle).read_bytes(), multiple=True)]
    if not roots:
        raise SigningError(f"{ca_bundle}: không có chứng thư CA nào (PEM) — no CA certificate in this file")
    return ValidationContext(trust_roots=roots, allow_fetching=False)


def _judge(status, what: str, ca_bundle: Path | None, result: SignatureCheck) -> None:
    cert = status.signing_cert
    who = cert.subject.human_friendly
    if not status.intact:
        result.problems.append(f"{what}: chữ ký không khớp nội dung — the signature does not match the content "
                               "(the file was changed after signing)")
        return
    if not status.valid:
        result.problems.append(f"{what}: chữ ký không hợp lệ — the signature is not valid (signer {who})")
        return
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    validity = cert["tbs_certificate"]["validity"]
    if not validity["not_before"].native <= now <= validity["not_after"].native:
        result.problems.append(f"{what}: chứng thư người ký hết hiệu lực — the signer's certificate is outside "
                               f"its validity ({who})")
    if ca_bundle is not None and not status.trusted:
        result.problems.append(f"{what}: chứng thư người ký không thuộc CA tin cậy — the signer's certificate does "
                               f"not chain to --ca-bundle ({who})")
        return
    trust = "chain to --ca-bundle" if ca_bundle is not None else "no --ca-bundle: chain not checked"
    result.lines.append(f"{what}: chữ ký hợp lệ — signature intact, signer {who} ({trust})")


def verify_signatures(folder: Path, ca_bundle: Path | None = None) -> SignatureCheck:
    from asn1crypto import cms
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_detached_cms, validate_pdf_signature

    from pyhanko.sign.validation.settings import KeyUsageConstraints

    folder, result = Path(folder), SignatureCheck()
    context = _context(ca_bundle)
    # a signing certificate carries digitalSignature or nonRepudiation (either is enough)
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    p7s = folder / manifest.SIGNATURE
    if p7s.is_file():
        result.signed = True
        try:
            signed = cms.ContentInfo.load(p7s.read_bytes())["content"]
            status = asyncio.run(async_validate_detached_cms((folder / manifest.MANIFEST).read_bytes(), signed,
                                                             signer_validation_context=context,
                                                             key_usage_settings=usage))
        except Exception as exc:  # a damaged signature file: not a harness fault, a failed check
            result.problems.append(f"{manifest.SIGNATURE}: không đọc được chữ ký — unreadable signature ({exc})")
        else:
            _judge(status, manifest.MANIFEST, ca_bundle, result)
    for name in SIGNED_PDFS:
        path = folder / name
        if not path.is_file():
            continue
        with open(path, "rb") as handle:
            try:
                signatures = PdfFileReader(handle).embedded_signatures
            except Exception as exc:
                result.problems.append(f"{name}: không đọc được tệp PDF — unreadable PDF ({exc})")
                continue
            for embedded in signatures:
                result.signed = True
                status = validate_pdf_signature(embedded, context, key_usage_settings=usage)
                _judge(status, name, ca_bundle, result)
                if status.intact and status.coverage.name != "ENTIRE_FILE":
                    result.problems.append(f"{name}: có nội dung thêm sau khi ký — content was added after "
                                           "the signature")
    if result.signed and not p7s.is_file():
        result.problems.append(f"{manifest.SIGNATURE}: thiếu chữ ký của tệp kê khai — the manifest signature is "
                               "missing while the record is signed")
    return result


def evidence_hash_problem(folder: Path) -> str | None:
    """The record prints the SHA-256 of evidence.sha256: they must agree, and its files must match it."""
    folder = Path(folder)
    listed, record = folder / manifest.EVIDENCE_MANIFEST, folder / "compliance.html"
    if not (listed.is_file() and record.is_file()):
        return None
    for line in listed.read_text(encoding="utf-8", errors="replace").splitlines():
        expected, sep, rel = line.partition("  ")
        if line.startswith("#") or not sep:
            continue
        if not (folder / rel).is_file() or manifest.file_sha256(folder / rel) != expected:
            return (f"{manifest.EVIDENCE_MANIFEST}: {rel} không khớp — does not match the list the record's hash "
                    "covers")
    digest = manifest.file_sha256(listed)
    if f'id="evidence-hash">{digest}<' not in record.read_text(encoding="utf-8", errors="replace"):
        return (f"compliance.html: mã băm in trên biên bản khác SHA-256 của {manifest.EVIDENCE_MANIFEST} "
                f"({digest}) — the hash printed on the record is not that of {manifest.EVIDENCE_MANIFEST}")
    return None


def verify_command(args) -> int:
    """`dokiem verify DIR [--ca-bundle PEM]`: the manifest, then the signatures."""
    code = manifest.command(args.dir)
    if code == 2:
        return 2
    try:
        result = _in_thread(verify_signatures, args.dir, getattr(args, "ca_bundle", None))
    except SigningError as exc:
        print(f"dokiem verify: {exc}", file=sys.stderr)
        return 2
    problem = evidence_hash_problem(args.dir)
    if problem:
        result.problems.append(problem)
    for line in result.lines:
        print(line)
    for problem in result.problems:
        print(f"dokiem verify: {problem}", file=sys.stderr)
    if not result.signed:
        print("chưa ký số — not digitally signed (dokiem sign)")
    return 1 if code or result.problems else 0
