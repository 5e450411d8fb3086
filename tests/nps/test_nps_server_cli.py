"""Starting the simulator: the ready line, a clean stop, and clear errors for bad input."""
from __future__ import annotations

import ssl
import subprocess
import sys

import pytest
import requests
import trustme

from harness.nps.catalogue import load_catalogue
from harness.nps.client import NpsClient, NpsError
from harness.nps.process import start_simulator
from harness.nps.server import BadArgument, is_loopback, parse_address
from harness.procs import start_ready_process
from harness.yamlsource import InputError
from npshelpers import EDITION_DIR, FakeTarget, init_message


def _ready_line_then_clean_stop(argv):
    process = start_ready_process("nps", argv)
    try:
        ready = process.ready
        assert ready["event"] == "ready" and ready["run_id"] == "cli-run"
        assert ready["url"].startswith("http://127.0.0.1:") and ready["smtp_host"] == "127.0.0.1"
        assert isinstance(ready["smtp_port"], int) and ready["smtp_port"] > 0
        health = requests.get(f"{ready['url']}/_sim/health", timeout=5).json()
        assert health["status"] == "ok" and health["smtp_port"] == ready["smtp_port"]
        assert process.output[0].startswith("{")  # the JSON line comes first
    finally:
        process.stop()
    assert process.popen.returncode == 0  # SIGTERM is a clean stop


def test_the_simulator_prints_the_ready_line_then_stops_on_sigterm():
    _ready_line_then_clean_stop([sys.executable, "-m", "harness.nps.server", "serve",
                                 "--bind", "127.0.0.1:0", "--run-id", "cli-run"])


def test_dokiem_nps_serve_accepts_options_after_a_separator():
    _ready_line_then_clean_stop([sys.executable, "-m", "harness.cli", "nps", "serve", "--",
                                 "--bind", "127.0.0.1:0", "--run-id", "cli-run"])


def test_dokiem_nps_serve_with_bind_prints_the_ready_line():
    _ready_line_then_clean_stop([sys.executable, "-m", "harness.cli", "nps", "serve",
                                 "--bind", "127.0.0.1:0", "--run-id", "cli-run"])


def _serve(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.nps.server", "serve", *args],
                          capture_output=True, text=True, timeout=30)


def test_a_bad_catalogue_stops_the_start_naming_file_line_and_field(tmp_path):
    bad = tmp_path / "catalogue.yaml"
    bad.write_text("procedures:\n  - MATTHC: '1.23'\n    TENTTHC: Đăng ký khai sinh\n", encoding="utf-8")
    result = _serve("--catalogue", str(bad))
    assert result.returncode == 2
    assert "catalogue.yaml:2:13" in result.stderr and "MATTHC" in result.stderr
    assert "LINHVUCTHUCHIEN" in result.stderr  # every problem in one pass


def test_missing_packet_schemas_and_bad_options_exit_2(tmp_path):
    result = _serve("--edition-dir", str(tmp_path))
    assert result.returncode == 2 and "packets" in result.stderr
    result = _serve("--partner", "DOKIEM")
    assert result.returncode == 2 and "CODE:SECRET" in result.stderr
    result = _serve("--bind", "127.0.0.1")
    assert result.returncode == 2 and "HOST:PORT" in result.stderr


def test_addresses_and_loopback():
    assert parse_address("127.0.0.1:0", "--bind") == ("127.0.0.1", 0)
    assert parse_address("[::1]:8025", "--bind") == ("::1", 8025)
    with pytest.raises(BadArgument):
        parse_address("localhost:http", "--bind")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5")


def test_the_catalogue_loader_is_strict(tmp_path):
    catalogue = load_catalogue()
    assert len(catalogue.procedures) >= 30 and "1.000894.000.00.00.H29" in catalogue.procedures
    duplicate = tmp_path / "dup.yaml"
    entry = ("  - MATTHC: '1.000894.000.00.00.H29'\n    TENTTHC: Đăng ký khai sinh\n"
             "    LINHVUCTHUCHIEN: [{MALINHVUC: H29-HT, TENLINHVUC: Hộ tịch}]\n"
             "    COQUANTHUCHIEN: [{MADONVI: 000.00.31.H29, TENDONVI: UBND xã}]\n"
             "    CACHTHUCTHUCHIEN: [{KENH: '1', THOIGIAN: [{THOIGIANGIAIQUYET: '1', DONVITINH: Ngày}], PHILEPHI: []}]\n")
    duplicate.write_text("procedures:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_catalogue(duplicate)
    assert "dup.yaml:7:13" in str(error.value) and "duplicate" in str(error.value)
    typo = tmp_path / "typo.yaml"
    typo.write_text("procedures:\n" + entry.replace("TENTTHC", "TENTHC"), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_catalogue(typo)
    assert "unknown field 'TENTHC'" in str(error.value) and "'TENTTHC' is required" in str(error.value)


def test_token_public_url_and_callback_ca_options(tmp_path, base_url):
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "ca.pem"  # written after the simulator starts: read at each callback
    https_target = FakeTarget(tls_context=context)
    process = start_simulator("options-run", EDITION_DIR, public_url="http://sim.example:8025",
                              callback_ca=ca_file, control_token="bi-mat-dieu-khien")
    try:
        url = process.ready["url"]
        assert process.ready["public_url"] == "http://sim.example:8025"
        with pytest.raises(NpsError, match="401"):
            NpsClient(url).health()
        control = NpsClient(url, token="bi-mat-dieu-khien")
        assert control.health()["run_id"] == "options-run"
        assert "bi-mat-dieu-khien" not in " ".join(process.popen.args)  # passed in the environment
        # the services a target uses stay open, and the payment page is on the public address
        init = init_message(ref="REF-TLS", callback=f"{https_target.url}/callback")
        answer = requests.post(f"{url}/payment/api", json=init).json()
        assert answer["UrlThanhToan"] == "http://sim.example:8025/payment/pay/REF-TLS"
        ca.cert_pem.write_to_path(str(ca_file))
        callback = control.complete_payment("REF-TLS")["callback"]
        assert callback["http_status"] == 200 and callback["body"] == {"MaLoi": "00"}
        # the other side: a simulator that does not trust that CA reports the TLS failure
        requests.post(f"{base_url}/payment/api", json=init)
        refused = NpsClient(base_url).complete_payment("REF-TLS")["callback"]
        assert "SSL" in refused["error"] and "http_status" not in refused
    finally:
        process.stop()
        https_target.stop()
