"""The load test's settings, plan, generated locustfile and statistics parsing (no Locust run)."""
import ast
import json
from pathlib import Path

import pytest
import yaml

from harness import criteria
from harness.api import ConfigurationError
from harness.profile import Profile, load_profile
from harness.yamlsource import InputError
from suites.performance import observe, plan, runner, stats
from tests.suites.performance.load_target import DOSSIER, PROCEDURES, profile_data

REPO = Path(__file__).resolve().parents[3]
CRITERIA = REPO / "criteria"
RECORDED = Path(__file__).parent / "recorded" / "locust"
ALLOWED = ["mutates", "intrusive", "load"]


@pytest.fixture(scope="module")
def edition_and_checks():
    checks = criteria.load_checks(CRITERIA)
    return criteria.load_edition(CRITERIA, None, checks), checks


@pytest.fixture(scope="module")
def refportal(edition_and_checks):
    edition, checks = edition_and_checks
    return load_profile(REPO / "profiles" / "refportal.yaml", edition, checks, CRITERIA, check_files=False)


def parameter_of(profile, edition_and_checks):
    edition, _ = edition_and_checks
    return lambda name: profile.parameter(edition, name)


def fake(tmp_path, **load) -> Profile:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    return Profile(tmp_path / "target.yaml", profile_data("https://127.0.0.1:9", **load), "0")


def params(**values):
    base = {"perf.concurrent_users": 20, "perf.duration_s": 15}
    base.update(values)
    return base.__getitem__


# ------------------------------------------------------------------ settings

def test_refportal_runs_the_edition_users_for_its_lowered_duration(refportal, edition_and_checks):
    settings, notes = plan.settings_for(refportal, parameter_of(refportal, edition_and_checks), ALLOWED)
    assert (settings.users, settings.edition_users, settings.duration_s) == (20, 20, 15)
    assert settings.lowered_reason is None and notes == []
    assert settings.logged_in_users == 2, "one session for each of the two citizen accounts not reserved"
    assert settings.ramp_s == 1 and settings.run_time_s == 17, "ramp + duration + slack: the 15 s are held in full"
    assert settings.stop_timeout_s == 21, "requests in flight at the stop may finish or time out (20 s)"
    assert settings.hard_stop_s == 30 + 17 + 21 + 15
    assert settings.wait_s == (1.0, 3.0) and not settings.submit and settings.processes == 1


def test_profile_limit_below_the_edition_lowers_the_users_and_says_why(tmp_path):
    profile = fake(tmp_path)
    profile.data["limits"]["max_users"] = 8
    settings, notes = plan.settings_for(profile, params(), ALLOWED)
    assert settings.users == 8 and settings.edition_users == 20
    assert "limits.max_users" in settings.lowered_reason and notes == [settings.lowered_reason]


def test_submissions_only_where_mutation_is_allowed(tmp_path):
    settings, notes = plan.settings_for(fake(tmp_path, submit=True), params(), ["load"])
    assert not settings.submit and "mutates" in notes[0]
    settings, _ = plan.settings_for(fake(tmp_path, submit=True), params(), ALLOWED)
    assert settings.submit


@pytest.mark.parametrize("load, field, hint", [
    ({"wait_s": [3, 1]}, "load.wait_s", "[min, max]"),
    ({"logged_in_users": 3}, "load.logged_in_users", "only 2 citizen account"),
    ({"logged_in_users": 30}, "load.logged_in_users", "lower it"),
    ({"processes": 2, "master": {"expect_workers": 2}}, "load.processes and load.master", "remote workers"),
])
def test_bad_load_section_names_the_file_the_field_and_what_to_do(tmp_path, load, field, hint):
    with pytest.raises(ConfigurationError) as exc:
        plan.settings_for(fake(tmp_path, **load), params(), ALLOWED)
    message = str(exc.value)
    assert message.startswith(f"target.yaml: {field}") and hint in message


def test_profile_schema_accepts_the_load_section_and_refuses_unknown_keys(tmp_path, edition_and_checks):
    edition, checks = edition_and_checks
    data = yaml.safe_load((REPO / "profiles" / "refportal.yaml").read_text(encoding="utf-8"))
    data["load"] = {"wait_s": [2, 5], "processes": -1, "submit": True, "lookup_codes": ["X-1"],
                    "search_keywords": ["hộ tịch"], "logged_in_users": 1}
    path = tmp_path / "good.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_profile(path, edition, checks, CRITERIA, check_files=False).data["load"]["processes"] == -1
    for wrong in ({"users": 500}, {"processes": 0}, {"master": {"bind_port": 5557}}):
        data["load"] = wrong
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(InputError, match="load"):
            load_profile(path, edition, checks, CRITERIA, check_files=False)


def test_the_template_load_example_is_valid_once_uncommented(tmp_path, edition_and_checks):
    edition, checks = edition_and_checks
    lines = (REPO / "profiles" / "template.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("# load:")))
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    example = [line[2:] for line in lines[start:end]]
    path = tmp_path / "vendor.yaml"
    path.write_text("\n".join(lines[:start] + example + lines[end:]) + "\n", encoding="utf-8")
    profile = load_profile(path, edition, checks, CRITERIA, check_files=False)
    assert profile.data["load"]["master"]["expect_workers"] == 4
    with pytest.raises(ConfigurationError, match="load.processes and load.master"):
        plan.settings_for(profile, params(), ALLOWED)  # the example shows both; a profile keeps one
    del profile.data["load"]["processes"]
    settings, _ = plan.settings_for(profile, params(), ALLOWED)
    assert settings.master["bind_port"] == 5557 and settings.hard_stop_s > 120


# ------------------------------------------------------------------ plan and locustfile

SAMPLES = {"procedure_codes": [PROCEDURES[0]["code"]], "search_keywords": ["giấy phép"], "lookup_codes": [DOSSIER]}


def citizen_login_unchecked(the_plan) -> bool:
    return all(account["login"]["answer"] is None for account in the_plan["citizen"]["accounts"])


def test_an_operation_mapping_none_of_its_values_asks_only_for_a_non_empty_answer():
    assert plan.expected_answer({"method": "GET", "path": "/p"}, "get_procedure") == {"json": False, "returns": {}}
    assert plan.expected_answer({"method": "GET", "path": "/p", "returns": {"procedures": "$header:X-Items"}},
                                "list_procedures") == {"json": False, "returns": {"procedures": ["$header:X-Items", "list"]}}


def test_plan_renders_the_profile_operations_and_keeps_passwords_out(tmp_path, monkeypatch):
    monkeypatch.setenv("DOKIEM_TEST_LOAD_PW", "Sup3r-secret!")
    profile = fake(tmp_path, logged_in_users=2)
    settings, _ = plan.settings_for(profile, params(), ALLOWED)
    the_plan = plan.build_plan(profile, settings, SAMPLES, "run-1")
    by_op = {m["operation"]: m for m in the_plan["public_mix"]}
    assert list(by_op) == ["list_procedures", "get_procedure", "search_procedures", "lookup_dossier"]
    search = by_op["search_procedures"]["requests"][0]
    assert search["params"] == {"q": "giấy phép"}, "optional inputs the scenario does not give are left out"
    assert by_op["lookup_dossier"]["requests"][0] == {
        "method": "GET", "url": f"https://127.0.0.1:9/api/lookup/{DOSSIER}", "expect": None, "anonymous": True,
        "headers": {}, "answer": {"json": True, "returns": {"status_label": ["status_label", "text"]}}}
    assert by_op["get_procedure"]["requests"][0]["answer"] == {"json": True, "returns": {"procedure": ["@", "object"]}}
    assert citizen_login_unchecked(the_plan), "the login's answer is read by the locustfile's own session code"
    citizen = the_plan["citizen"]
    assert citizen["users"] == 2 and citizen["token"] == "token" and citizen["header_value"] == "Bearer ${session}"
    assert citizen["accounts"][0]["login"]["json"] == {"username": "congdan.a", "password": plan.PASSWORD_MARK}
    assert "list_my_dossiers" in [m["operation"] for m in citizen["mix"]]
    assert the_plan["tls"]["ca_pem"].startswith("-----BEGIN CERTIFICATE-----")
    source = plan.locustfile_source(the_plan)
    assert "Sup3r-secret!" not in source
    compile(source, "locustfile.py", "exec")
    literal = next(node for node in ast.parse(source).body
                   if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PLAN")
    assert ast.literal_eval(literal.value) == the_plan, "the plan in the file is exactly the run's plan"


def test_submission_requests_carry_the_file_as_multipart(tmp_path):
    profile = fake(tmp_path, logged_in_users=1, submit=True)
    settings, _ = plan.settings_for(profile, params(), ALLOWED)
    submission = {"procedure_code": PROCEDURES[0]["code"], "form_data": {"ghi_chu": "dokiem run-1"},
                  "files": [{"name": "don.pdf", "content": observe.SAMPLE_PDF, "content_type": "application/pdf"}]}
    the_plan = plan.build_plan(profile, settings, SAMPLES, "run-1", submission)
    submit = next(m for m in the_plan["citizen"]["mix"] if m["operation"] == "submit_dossier")["requests"][0]
    assert submit["data"] == {"procedure_code": PROCEDURES[0]["code"], "form_data": '{"ghi_chu": "dokiem run-1"}'}
    assert submit["files"][0]["field"] == "files" and submit["files"][0]["content_type"] == "application/pdf"
    assert submit["expect"] == [201]


def test_no_citizen_users_when_no_account_can_log_in(tmp_path):
    profile = fake(tmp_path)
    profile.data["accounts"]["citizen"] = [{"username": "vneid", "storage_state": "state.json"}]
    settings, _ = plan.settings_for(profile, params(), ALLOWED)
    the_plan = plan.build_plan(profile, settings, SAMPLES, "run-1")
    assert settings.logged_in_users == 0 and the_plan["citizen"] is None
    assert plan.mix_summary(the_plan)["citizen"] == {}


def test_the_template_keeps_its_plan_line():
    assert plan.PLAN_LINE.search(plan.TEMPLATE.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ samples from the catalogue

def test_procedure_samples_find_codes_by_the_edition_pattern_and_names_by_key():
    import re

    pattern = re.compile(r"^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$")
    items = [{"maTTHC": "1.000001", "tenTTHC": "Đăng ký khai sinh", "coQuan": "Ủy ban nhân dân cấp xã, phường"},
             {"code": "khong-phai-ma", "name": "Mục lạ"},
             {"code": "1.000002.000.00.00.H29", "agency_name": "Sở Tư pháp tỉnh An Bình", "name": "Cấp bản sao"}]
    codes, names = observe.procedure_samples(items, pattern)
    assert codes == ["1.000001", "1.000002.000.00.00.H29"]
    assert names == ["Đăng ký khai sinh", "Cấp bản sao"]
    assert observe.keywords_from(names + ["đăng ký kết hôn"]) == ["Đăng ký", "Cấp bản"]


# ------------------------------------------------------------------ Locust's output

def test_operations_from_locust_final_statistics():
    ops = stats.operations((RECORDED / "locust_stats.json").read_text(encoding="utf-8"))
    assert set(ops) == {"lookup_dossier", "search_procedures", "get_procedure", "list_procedures", "login",
                        "list_my_dossiers"}
    rows = json.loads((RECORDED / "locust_stats.json").read_text(encoding="utf-8"))
    raw = next(r for r in rows if r["name"] == "get_procedure")
    entry = ops["get_procedure"]
    assert entry["requests"] == raw["num_requests"] and entry["failures"] == raw["num_failures"]
    assert entry["avg_ms"] == round(raw["total_response_time"] / raw["num_requests"], 1)
    assert entry["max_ms"] == round(raw["max_response_time"], 1)
    assert entry["median_ms"] <= entry["p95_ms"] <= entry["max_ms"]
    assert all(e["p95_ms"] <= e["max_ms"] for e in ops.values())


def test_failures_are_counted_by_the_locustfile_tags():
    rows = stats.failures((RECORDED / "locust_failures_bad.csv").read_text(encoding="utf-8"))
    assert [(r["operation"], r["kind"], r["count"]) for r in rows] == [
        ("search_procedures", "timeout", 10), ("login", "config", 1), ("lookup_dossier", "http", 13)]
    assert stats.count_kinds(rows)["search_procedures"] == {"timeout": 10}
    assert stats.failures("Method,Name,Error,Occurrences,First Seen,Last Seen\n") == []


def test_generator_report_gives_the_sustained_window_and_the_fewest_users():
    gen = stats.generator((RECORDED / "generator.json").read_text(encoding="utf-8"), 20)
    assert gen["reported"] and gen["fewest_users_sustained"] == 20
    assert 15 <= gen["sustained_s"] <= 19
    assert gen["users_by_class"] == {"PublicVisitor": 18, "CitizenUser": 2}
    assert gen["loop_lag_mean_ms"] is not None and not gen["cpu_warning"]
    report = json.loads((RECORDED / "generator.json").read_text(encoding="utf-8"))
    middle = len(report["user_samples"]) // 2
    report["user_samples"][middle][1] = 13  # users lost in the middle of the load
    assert stats.generator(json.dumps(report), 20)["fewest_users_sustained"] == 13
    assert stats.generator("", 20) == {"reported": False}


def test_locust_command_line(tmp_path):
    profile = fake(tmp_path, processes=-1)
    settings, _ = plan.settings_for(profile, params(), ALLOWED)
    argv = runner.locust_argv(tmp_path / "locustfile.py", tmp_path, settings, "https://127.0.0.1:9")
    joined = " ".join(argv)
    assert argv[1:3] == ["-m", "locust"] and "--headless" in argv and "--processes -1" in joined
    assert f"-u 20 -r {settings.spawn_rate} -t {settings.run_time_s}s" in joined
    assert f"--stop-timeout {settings.stop_timeout_s}" in joined and "--exit-code-on-error 0" in joined
    profile.data["load"] = {"master": {"expect_workers": 3, "bind_host": "10.0.0.5"}}
    settings, _ = plan.settings_for(profile, params(), ALLOWED)
    joined = " ".join(runner.locust_argv(tmp_path / "locustfile.py", tmp_path, settings, "https://127.0.0.1:9"))
    assert "--master --master-bind-host 10.0.0.5 --master-bind-port 5557 --expect-workers 3" in joined
    assert "--expect-workers-max-wait 60" in joined and "--processes" not in joined


def test_evidence_numbers_are_rounded_and_redaction_leaves_them_alone():
    from harness.evidence import Redactor

    row = "GET,search_procedures,53,0,6.0,646.123456789012,1.5,90.6\n"
    rounded = observe._round_csv("Type,Name,a,b,c,d,e,f\n" + row)
    assert "646.123," in rounded and Redactor().text(rounded) == rounded
    assert Redactor().text(row) == row  # a 12-digit decimal fraction is not taken for a citizen ID
    assert observe._round({"t": 1795613083.7671123, "n": [0.123456789012, "x"]}) == {"t": 1795613083.767,
                                                                                   "n": [0.123, "x"]}


def test_a_profile_that_maps_no_load_operation_is_a_configuration_error(tmp_path):
    """django-helpdesk maps none of the catalogue operations: ERROR with the reason, not a KeyError."""
    root = Path(__file__).resolve().parents[3]
    checks = criteria.load_checks(root / "criteria")
    edition = criteria.load_edition(root / "criteria", None, checks)
    profile = load_profile(root / "profiles" / "django-helpdesk.yaml", edition, checks, root / "criteria")
    settings, _notes = plan.settings_for(profile, lambda name: profile.parameter(edition, name), ["load"])
    with pytest.raises(ConfigurationError, match="none of the load test's operations"):
        plan.build_plan(profile, settings, {"procedure_codes": [], "search_keywords": [], "lookup_codes": []}, "r1")
