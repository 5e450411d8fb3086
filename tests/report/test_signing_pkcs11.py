"""`dokiem sign --key pkcs11:…` with a key on a token, as Vietnamese digital-signature USB tokens hold
it: here a SoftHSM2 token made for the test (Debian packages softhsm2 and opensc, which .ci/run
installs), the key and certificate written onto it with pkcs11-tool, and `dokiem verify` checking
what was signed. Without SoftHSM2 the tests skip, saying what to install."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness import verify
from harness.cli import main

from test_signing import _run_folder

MODULE = next((p for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                           "/usr/local/lib/softhsm/libsofthsm2.so") if Path(p).is_file()), None)
pytestmark = pytest.mark.skipif(
    MODULE is None or not shutil.which("softhsm2-util") or not shutil.which("pkcs11-tool"),
    reason="SoftHSM2 and pkcs11-tool not installed (Debian: apt-get install softhsm2 opensc)")
PIN, SO_PIN, LABEL, KEY = "246810", "13579135", "dokiem-thu", "nguoi-do-kiem"
SIGNER = "Nguyễn Văn Kiểm"


@pytest.fixture
def token(tmp_path, monkeypatch):
    """A fresh token in a folder of the test's own, with the tester's key and certificate on it."""
    pytest.importorskip("pkcs11", reason="pip install 'dokiem[pkcs11]'")
    store = tmp_path / "tokens"
    store.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {store}\nobjectstore.backend = file\n", encoding="utf-8")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", LABEL, "--pin", PIN, "--so-pin", SO_PIN],
                   check=True, env=env, capture_output=True, timeout=30)
    ca = trustme.CA()
    leaf = ca.issue_cert("nguoi-do-kiem@example.vn", common_name=SIGNER,
                         key_type=trustme.KeyType.RSA)  # the RSA keys Vietnamese signature tokens hold
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    (tmp_path / "key.der").write_bytes(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    cert = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())
    (tmp_path / "cert.der").write_bytes(cert.public_bytes(serialization.Encoding.DER))
    for kind, source in (("privkey", "key.der"), ("cert", "cert.der")):
        subprocess.run(["pkcs11-tool", "--module", MODULE, "--token-label", LABEL, "--login", "--pin", PIN,
                        "--write-object", str(tmp_path / source), "--type", kind, "--id", "01", "--label", KEY],
                       check=True, env=env, capture_output=True, timeout=30)
    (tmp_path / "key.der").unlink()  # the key now lives on the token only
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return bundle


def test_a_run_signed_with_a_key_on_a_token_verifies(tmp_path, token, monkeypatch, capsys):
    monkeypatch.setenv("TOKEN_PIN", PIN)
    folder = _run_folder(tmp_path / "run")
    assert main(["sign", str(folder), "--key", f"pkcs11:token={LABEL};object={KEY}", "--pkcs11-lib", MODULE,
                 "--password-env", "TOKEN_PIN"]) == 0
    assert (folder / verify.SIGNATURE).is_file()
    capsys.readouterr()
    assert main(["verify", str(folder), "--ca-bundle", str(token)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK") and out.count("chữ ký hợp lệ") == 2 and SIGNER in out


@pytest.mark.parametrize("uri, pin, words", [
    (f"pkcs11:token={LABEL};object={KEY}", "000000", "PIN"),
    (f"pkcs11:token=khong-co;object={KEY}", PIN, "khong-co"),
    (f"pkcs11:token={LABEL};object=khong-co", PIN, "khong-co"),
])
def test_a_wrong_pin_token_or_key_is_exit_2_and_signs_nothing(tmp_path, token, monkeypatch, capsys, uri, pin, words):
    monkeypatch.setenv("TOKEN_PIN", pin)
    folder = _run_folder(tmp_path / "run")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert main(["sign", str(folder), "--key", uri, "--pkcs11-lib", MODULE, "--password-env", "TOKEN_PIN"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before  # nothing signed, nothing left
