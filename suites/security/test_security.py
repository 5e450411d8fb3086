"""The security checks: each a thin call of its judge over its scenario's observations."""
import pytest

from suites.security import judges


# --- security_sweep ---------------------------------------------------------------------------
@pytest.mark.check("security.headers")
def test_headers(security_sweep, param):
    judges.headers(security_sweep, int(param("security.hsts_min_age_s")))


@pytest.mark.check("security.cookies")
def test_cookies(security_sweep):
    judges.cookies(security_sweep)


@pytest.mark.check("security.https_redirect")
def test_https_redirect(security_sweep):
    judges.https_redirect(security_sweep)


@pytest.mark.check("security.error_pages")
def test_error_pages(security_sweep):
    judges.error_pages(security_sweep)


@pytest.mark.check("security.role_access")
def test_role_access(security_sweep):
    judges.role_access(security_sweep)


# --- tls_probe --------------------------------------------------------------------------------
@pytest.mark.check("security.tls_version")
def test_tls_version(tls_probe, param):
    judges.tls_version(tls_probe, param("tls.min_version"))


@pytest.mark.check("security.tls_certificate")
def test_tls_certificate(tls_probe, param):
    judges.tls_certificate(tls_probe, float(param("tls.cert_min_days_left")))


# --- injection_probe --------------------------------------------------------------------------
@pytest.mark.check("security.xss")
def test_xss(injection_probe):
    judges.xss(injection_probe)


@pytest.mark.check("security.sqli")
def test_sqli(injection_probe):
    judges.sqli(injection_probe)


# --- auth_probe -------------------------------------------------------------------------------
@pytest.mark.check("access.login")
def test_login(auth_probe):
    judges.login(auth_probe)


@pytest.mark.check("access.registration")
def test_registration(auth_probe):
    judges.registration(auth_probe)


@pytest.mark.check("security.password_policy")
def test_password_policy(auth_probe, param):
    judges.password_policy(auth_probe, int(param("security.min_password_length")))


@pytest.mark.check("security.session_end")
def test_session_end(auth_probe):
    judges.session_end(auth_probe)


@pytest.mark.check("security.lockout")
def test_lockout(auth_probe, param):
    judges.lockout(auth_probe, int(param("security.lockout_attempts")))


@pytest.mark.check("audit.failed_logins")
def test_failed_logins(auth_probe):
    judges.failed_logins(auth_probe)
