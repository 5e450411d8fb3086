"""Proofs of the injection checks (XSS, SQL injection) on the clean refportal's recording, and of
the detectors they rely on."""
import pytest

from harness import Inconclusive
from suites.security import injection, judges, signatures

from .recordings import first, recorded


@pytest.fixture
def probe():
    return recorded("injection_probe")


# --- security.xss -----------------------------------------------------------------------------
def test_xss_passes_on_the_clean_recording(probe):
    judges.xss(probe)


def unescape_in(row: dict) -> None:
    """What a template without autoescaping would have sent: the payload as it was typed."""
    payload = next(p["payload"] for p in injection.xss_payloads(row["marker"].rsplit("x", 1)[0])
                   if p["marker"] == row["marker"])
    row["body"] += f"<p>Kết quả cho {payload}</p>"
    row["marker_found"] = True


@pytest.mark.proves("security.xss")
@pytest.mark.parametrize("surface, payload_id", [("search", "img"), ("search", "script"), ("lookup", "svg"),
                                                 ("feedback", "img")])
def test_xss_fails_when_a_page_reflects_the_payload_unescaped(probe, surface, payload_id):
    unescape_in(first(probe["xss"], surface=surface, channel="page", payload_id=payload_id))
    with pytest.raises(AssertionError, match=f"{surface} \\(page.*payload reflected unescaped"):
        judges.xss(probe)


@pytest.mark.proves("security.xss")
def test_xss_fails_when_the_payload_runs_in_chromium(probe):
    row = first(probe["xss"], surface="search", channel="browser", payload_id="img")
    row["dialogs"] = [row["marker"]]
    with pytest.raises(AssertionError, match="ran in the browser"):
        judges.xss(probe)


@pytest.mark.proves("security.xss")
def test_xss_fails_when_an_api_answers_html_with_the_payload(probe):
    row = first(probe["xss"], surface="feedback", channel="api", operation="get_feedback", payload_id="img")
    row["content_type"] = "text/html; charset=utf-8"
    row["body"] = f"<p><img src=x onerror=alert('{row['marker']}')></p>"
    with pytest.raises(AssertionError, match="get_feedback"):
        judges.xss(probe)


def test_json_that_carries_the_payload_is_not_xss(probe):
    row = first(probe["xss"], surface="feedback", channel="api", operation="get_feedback", payload_id="img")
    assert row["marker_found"] and "onerror" in row["body"]  # stored as typed, served as JSON
    judges.xss(probe)


def test_xss_cannot_decide_without_the_search_page_in_chromium(probe):
    probe["xss"] = [r for r in probe["xss"] if not (r["surface"] == "search" and r["channel"] == "browser")]
    with pytest.raises(Inconclusive, match="search page was not probed in Chromium"):
        judges.xss(probe)


def test_a_journey_that_could_not_send_the_payload_is_error(probe):
    first(probe["xss"], surface="lookup", channel="browser")["error"] = "journey 'lookup_dossier', step 3 failed"
    with pytest.raises(Inconclusive, match="step 3 failed"):
        judges.xss(probe)


@pytest.mark.parametrize("html, found", [
    ("<p>&lt;img src=x onerror=alert('dk1')&gt;</p>", False),               # escaped text
    ('<input value="&#34;&gt;&lt;script&gt;alert(\'dk1\')&lt;/script&gt;">', False),  # escaped attribute
    ("<script>var q = \"\\\"><img src=x onerror=alert('dk1')>\";</script>", False),  # a string in the page's script
    ("<p><img src=x onerror=alert('dk1')></p>", True),
    ('<input value=""><script>alert(\'dk1\')</script>">', True),
    ("<input value=''\"><svg onload=alert('dk1')>'>", True),
    ('<a href="javascript:alert(\'dk1\')">x</a>', True),
])
def test_executable_reflections(html, found):
    assert bool(signatures.executable_reflections(html, "dk1")) is found


def test_navigation_steps_stop_at_the_click_that_sends_the_input():
    steps = [{"goto": "/"}, {"click": {"role": "link", "name": "Tra cứu hồ sơ"}},
             {"fill": {"label": "Mã hồ sơ", "value": "${dossier_code}"}}, {"click": {"role": "button", "name": "Tra cứu"}},
             {"read": {"var": "status_label", "selector": "#trang-thai"}}]
    assert injection.navigation_steps(steps, ("dossier_code",)) == steps[:4]
    assert injection.navigation_steps(steps, ("procedure_name",)) is None


# --- security.sqli ----------------------------------------------------------------------------
def test_sqli_passes_on_the_clean_recording(probe):
    judges.sqli(probe)


@pytest.mark.proves("security.sqli")
def test_sqli_fails_on_a_database_error_in_the_answer(probe):
    row = first(probe["sqli"]["probes"], surface="search", payload_id="quote")
    row.update(status=500, excerpt='{"error": "sqlite3.OperationalError: unrecognized token: \\"\'\\""}')
    with pytest.raises(AssertionError, match="database error leaked") as failure:
        judges.sqli(probe)
    assert "HTTP 500" in str(failure.value)


@pytest.mark.proves("security.sqli")
def test_sqli_fails_when_a_payload_finds_what_the_plain_query_does_not(probe):
    first(probe["sqli"]["probes"], surface="search", payload_id="or_true").update(results=34)
    with pytest.raises(AssertionError, match="differs from an ordinary no-match query"):
        judges.sqli(probe)


@pytest.mark.proves("security.sqli")
def test_sqli_fails_when_a_lookup_payload_finds_a_dossier(probe):
    first(probe["sqli"]["probes"], surface="lookup", payload_id="or_comment").update(status=200, results=1)
    with pytest.raises(AssertionError, match="lookup_dossier .*differs"):
        judges.sqli(probe)


def test_sqli_cannot_decide_when_the_plain_query_is_refused(probe):
    probe["sqli"]["baseline"]["search"].update(status=422, excerpt='{"error": "page_size"}')
    with pytest.raises(Inconclusive, match="no-match query is not answered normally"):
        judges.sqli(probe)


@pytest.mark.parametrize("text, leaks", [
    ("You have an error in your SQL syntax; check the manual that corresponds to your MySQL", True),
    ("ORA-01756: quoted string not properly terminated", True),
    ('ERROR:  syntax error at or near "OR"', True),
    ("Không tìm thấy hồ sơ có mã “dk' OR '1'='1”", False),
    ('{"items":[],"total":0,"page":1,"page_size":200}', False),
])
def test_database_error_signatures(text, leaks):
    assert (signatures.database_error(text) is not None) is leaks


@pytest.mark.proves("security.sqli")
def test_sqli_fails_on_a_database_error_in_the_search_page(probe):
    row = first(probe["sqli"]["probes"], surface="search page", payload_id="union")
    row["excerpt"] += "<pre>psycopg2.errors.SyntaxError: each UNION query must have the same number of columns</pre>"
    with pytest.raises(AssertionError, match="GET /thu-tuc .*database error leaked"):
        judges.sqli(probe)


def test_page_templates_come_from_where_the_browser_landed(probe):
    base = probe["marker"]
    templates = injection.page_templates(probe["xss"], injection.xss_payloads(base))
    url, name, others = templates["search"]
    assert url.endswith("/thu-tuc") and name == "q" and others == []
    assert templates["lookup"][1] == "ma" and "feedback" not in templates  # a POST form leaves no query
