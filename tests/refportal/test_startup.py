"""Start-up and shutdown: the ready line, HTTPS with the local CA, plain HTTP with --http,
the REFPORTAL_PASSWORDS override, clean stop on SIGTERM, and clear errors for bad options."""
from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import requests

from harness.procs import start_ready_process
from refportal import seeding
from tests.refportal.conftest import REPO


def test_ready_line(portal):
    ready = portal.ready
    assert ready["event"] == "ready" and ready["url"].startswith("https://127.0.0.1:")
    assert Path(ready["ca_file"]).is_absolute() and Path(ready["ca_file"]).exists()
    assert Path(ready["db"]).exists() and isinstance(ready["pid"], int)
    assert ready["accounts"]["citizen"][:3] == ["congdan1", "congdan2", "congdan3"]
    assert set(ready["accounts"]) == {"citizen", "business", "receiving_officer", "specialist", "leader", "admin"}
    # the first line printed is the ready line, then the banner with the accounts
    assert portal.process.output[0].startswith('{"event": "ready"')
    deadline = time.monotonic() + 5  # the banner is read by another thread: poll, bounded
    while not any("congdan1" in line for line in portal.process.output[1:]) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert any("congdan1" in line and "CongDan1@2024" in line for line in portal.process.output[1:])


def test_https_with_the_local_ca_only(portal):
    http = portal.session()
    assert http.get(portal.url + "/healthz").json() == {"status": "ok"}
    strict = requests.Session()
    strict.trust_env = False
    try:
        strict.get(portal.url + "/healthz", verify=True, timeout=5)
        raise AssertionError("the system store must not trust refportal's private CA")
    except requests.exceptions.SSLError:
        pass
    context = ssl.create_default_context(cafile=portal.ca_file)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    host, port = portal.url.removeprefix("https://").split(":")
    import socket

    with socket.create_connection((host, int(port)), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            assert tls.version() == "TLSv1.2"


def test_openapi_document(portal):
    doc = portal.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/auth/login", "/api/procedures", "/api/procedures/{code}", "/api/dossiers", "/api/dossiers/{code}",
                 "/api/dossiers/{code}/receive", "/api/dossiers/{code}/approve", "/api/lookup/{code}", "/api/statistics",
                 "/api/feedback", "/api/payment/callback", "/api/admin/audit-log"):
        assert path in doc["paths"], path
    assert not any(p.startswith(("/ho-so", "/thu-tuc")) for p in doc["paths"])  # pages are not API
    assert portal.get("/docs").status_code == 404  # no Swagger UI: it would load scripts from a CDN


def test_plain_http_with_password_override_and_sigterm(tmp_path):
    env = {"REFPORTAL_PASSWORDS": json.dumps({"congdan1": "DoiMatKhau#99"})}
    process = start_ready_process("refportal --http", [
        sys.executable, "-m", "refportal", "--http", "--port", "0", "--state-dir", str(tmp_path)],
        env=env, cwd=str(REPO), timeout=30)
    try:
        ready = process.ready
        assert ready["url"].startswith("http://") and ready["ca_file"] is None
        http = requests.Session()
        http.trust_env = False
        health = http.get(ready["url"] + "/healthz", timeout=5)
        assert health.json() == {"status": "ok"} and "strict-transport-security" not in health.headers
        assert http.post(ready["url"] + "/api/auth/login",
                         json={"username": "congdan1", "password": "DoiMatKhau#99"}).status_code == 200
        assert http.post(ready["url"] + "/api/auth/login",
                         json={"username": "congdan1", "password": "CongDan1@2024"}).status_code == 401
        assert ready["pid"] == process.popen.pid
        os.kill(ready["pid"], signal.SIGTERM)
        assert process.popen.wait(timeout=15) == 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                http.get(ready["url"] + "/healthz", timeout=1)
            except requests.ConnectionError:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("refportal still answers after SIGTERM")
    finally:
        process.stop()


def _run(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "refportal", *args], capture_output=True, text=True, timeout=60,
                          cwd=str(REPO), env={**os.environ, **(env or {})})


def test_bad_password_override_is_a_clear_error(tmp_path):
    result = _run(["--port", "0", "--state-dir", str(tmp_path)], env={"REFPORTAL_PASSWORDS": "{khong-phai-json"})
    assert result.returncode == 2 and "REFPORTAL_PASSWORDS" in result.stderr and not result.stdout
    weak = _run(["--port", "0", "--state-dir", str(tmp_path / "b")],
                env={"REFPORTAL_PASSWORDS": json.dumps({"congdan1": "yeu"})})
    assert weak.returncode == 2 and "congdan1" in weak.stderr and "8" in weak.stderr


def test_bad_options_are_clear_errors():
    bad = _run(["--smtp", "khong-co-cong"])
    assert bad.returncode == 2 and "--smtp" in bad.stderr and "HOST:PORT" in bad.stderr
    assert _run(["--national-portal", "ftp://x"]).returncode == 2


def test_seed_tables_are_checked_with_file_and_field():
    good = {"code": "1.001193.000.00.00.H29", "name": "Thủ tục", "agency": "000.00.10.H29", "sector": "H29-HT",
            "level": 3, "processing_days": 3, "steps": ["a"], "methods": ["b"], "legal_basis": ["c"], "applicants": "d",
            "result": "e", "components": [{"code": "TK", "name": "Tờ khai", "form": "Mẫu"}],
            "fees": [{"code": "LP", "name": "Lệ phí", "amount": 0}]}
    assert seeding.check_procedure(good, "procedures[0]", {"000.00.10.H29"}, {"H29-HT"})["online_mode"] == "mot_phan"
    for change, field in (({"code": "1.1193.H29"}, "procedures[0].code"), ({"level": 5}, "procedures[0].level"),
                          ({"agency": "000.00.99.H29"}, "procedures[0].agency"),
                          ({"processing_days": 0}, "procedures[0].processing_days"),
                          ({"components": [{"code": "TK", "name": "Tờ khai"}]}, "procedures[0].components"),
                          ({"fees": [{"code": "LP", "name": "x", "amount": -1}]}, "procedures[0].fees[0].amount"),
                          ({"components": [{"code": "TK", "name": "Đơn đề nghị", "chứng chỉ": None, "form": "Mẫu"}]},
                           "procedures[0].components[0]"),
                          ({"fees": [{"code": "LP", "name": "Lệ phí (miễn cho cơ quan", "tổ chức)": None, "amount": 0}]},
                           "procedures[0].fees[0]")):
        try:
            seeding.check_procedure({**good, **change}, "procedures[0]", {"000.00.10.H29"}, {"H29-HT"})
        except seeding.SeedError as exc:
            assert field in str(exc) and "—" in str(exc)
        else:
            raise AssertionError(f"{change} accepted")


def test_backup_of_the_running_database_verifies_and_restores(portal, tmp_path):
    from refportal import backup

    made = subprocess.run([sys.executable, "-m", "refportal.backup", "--db", portal.ready["db"], "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=60, cwd=str(REPO))
    assert made.returncode == 0, made.stderr
    report = json.loads(made.stdout)
    assert report["dossiers"] >= 1 and report["users"] >= 9 and len(report["sha256"]) == 64
    restored = tmp_path / "restored.sqlite3"
    restored.write_bytes(Path(report["file"]).read_bytes())
    assert backup.verify(restored)["dossiers"] == report["dossiers"]
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"khong phai sqlite" * 100)
    bad = subprocess.run([sys.executable, "-m", "refportal.backup", "--verify", str(broken)], capture_output=True,
                         text=True, timeout=60, cwd=str(REPO))
    assert bad.returncode == 1 and "broken.sqlite3" in bad.stderr
    assert subprocess.run([sys.executable, "-m", "refportal.backup"], capture_output=True, timeout=60,
                          cwd=str(REPO)).returncode == 2
