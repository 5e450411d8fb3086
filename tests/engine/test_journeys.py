"""The journey runner in Chromium: steps navigate and extract; a step that does not fit names itself."""
from __future__ import annotations

import pytest

from harness.browser import JourneyError, JourneyRun

from .fake_target import FakeTarget
from .test_preflight import make_profile

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fake():
    with FakeTarget() as target:
        yield target


def test_the_default_lookup_journey_reads_the_status(tmp_path, fake, page):
    profile = make_profile(tmp_path, fake.url)
    runner = JourneyRun(page, profile, timeout_ms=3000)
    assert runner.run("lookup_dossier", dossier_code="000.00.00.H29-261124-0001") == {"status_label": "Đang giải quyết"}
    assert not runner.typed_secret


def test_a_profile_journey_with_pattern_and_optional_step(tmp_path, fake, page):
    extra = """journeys:
  x_code:
    - goto: /ket-qua?ma=000.00.00.H29-261124-0042
    - click: {role: button, name: Không có nút này}
      optional: true
    - read: {var: seq, field: Mã hồ sơ, pattern: '-(\\d{4})$'}
"""
    profile = make_profile(tmp_path, fake.url, extra)
    assert JourneyRun(page, profile, timeout_ms=1500).run("x_code") == {"seq": "0042"}


def test_a_step_that_does_not_fit_names_the_journey_the_step_and_the_target(tmp_path, fake, page):
    extra = """journeys:
  lookup_dossier:
    - goto: /tra-cuu
    - fill: {label: Số hồ sơ, value: "${dossier_code}"}
"""
    profile = make_profile(tmp_path, fake.url, extra)
    with pytest.raises(JourneyError) as exc:
        JourneyRun(page, profile, timeout_ms=1000).run("lookup_dossier", dossier_code="X")
    message = str(exc.value)
    assert "journey 'lookup_dossier', step 2" in message and "Số hồ sơ" in message and "/tra-cuu" in message


def test_typing_a_password_marks_the_run_so_no_trace_is_kept(tmp_path, fake, page):
    profile = make_profile(tmp_path, fake.url)
    runner = JourneyRun(page, profile, timeout_ms=3000)
    with pytest.raises(JourneyError):  # the fake target has no logout link to wait for
        runner.run("login", username="congdan1", password="secret-value-1")
    assert runner.typed_secret


def test_a_failing_journey_keeps_what_it_had_read(tmp_path, fake, page):
    extra = """journeys:
  x_partial:
    - goto: /ket-qua?ma=000.00.00.H29-261124-0007
    - read: {var: status_label, field: Trạng thái}
    - click: {role: button, name: Không có nút này}
"""
    profile = make_profile(tmp_path, fake.url, extra)
    with pytest.raises(JourneyError) as exc:
        JourneyRun(page, profile, timeout_ms=1000).run("x_partial")
    assert exc.value.read == {"status_label": "Đang giải quyết"}
