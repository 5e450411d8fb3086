"""The load test against targets that serve nothing: a `{}` server, an echo server, an HTML error
page, a redirect loop, and a server that refuses every connection after the pre-flight. Real
Locust runs, the real perf.* judges: no check may PASS on any of them. Bounded: 4 users for 1 s.
"""
import pytest
import trustme

from harness import Inconclusive, exercise
from harness.ledger import ENV_STAGING, RUN_FILES
from harness.preflight import check_reachable
from harness.profile import Profile
from harness.measured import Measurements
from suites.performance import judges, observe, plan, runner
from tests.hostile import servers
from tests.suites.performance.load_target import DOSSIER, PROCEDURES, profile_data

pytestmark = pytest.mark.slow

PARAMS = {"perf.concurrent_users": 4, "perf.duration_s": 1}  # one of the 4 logs in
THRESHOLDS = {"avg": 2000, "max": 10000, "error_rate": 1, "search": 3000}
SERVED = 95
HOSTILE = {"empty-json": servers.EmptyJsonServer, "echo": servers.EchoServer, "error-page": servers.ErrorPageServer,
           "redirect-loop": servers.RedirectLoopServer, "refuses-after-preflight": servers.RefuseAfterServer}


def run_load(tmp_path, url: str) -> dict:
    trustme.CA().cert_pem.write_to_path(str(tmp_path / "ca.pem"))  # the profile names one; plain HTTP ignores it
    data = profile_data(url)
    data["limits"]["request_timeout_s"] = 2
    profile = Profile(tmp_path / "target.yaml", data, "0")
    settings, notes = plan.settings_for(profile, PARAMS.__getitem__, ["load"])
    samples = {"procedure_codes": [PROCEDURES[0]["code"]], "search_keywords": ["giấy phép"], "lookup_codes": [DOSSIER]}
    the_plan = plan.build_plan(profile, settings, samples, "run-hostile")
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(plan.locustfile_source(the_plan), encoding="utf-8")
    obs = observe.new_observations("run-hostile")
    obs.update(settings=settings.as_dict(), mix=plan.mix_summary(the_plan), notes=notes)
    run = runner.run_locust(locustfile, tmp_path / "locust", settings, the_plan["host"])
    observe.summarise(obs, run, settings)
    return obs


def verdicts(obs) -> dict[str, str]:
    users, duration = PARAMS["perf.concurrent_users"], PARAMS["perf.duration_s"]
    calls = {
        "perf.avg_response": lambda: judges.avg_response(obs, THRESHOLDS["avg"], users, duration,
                                                               min_success_percent=SERVED, measured=Measurements()),
        "perf.max_response": lambda: judges.max_response(obs, THRESHOLDS["max"], users, duration,
                                                               min_success_percent=SERVED, measured=Measurements()),
        "perf.error_rate": lambda: judges.error_rate(obs, THRESHOLDS["error_rate"], users, duration, measured=Measurements()),
        "perf.concurrent_users": lambda: judges.concurrent_users(obs, users, duration,
                                                                       min_success_percent=SERVED, measured=Measurements()),
        "perf.search_response": lambda: judges.search_response(obs, THRESHOLDS["search"], users, duration,
                                                                     min_success_percent=SERVED, measured=Measurements()),
    }
    result = {}
    for check, call in calls.items():
        try:
            call()
            result[check] = "PASS"
        except AssertionError as exc:
            result[check] = f"FAIL {exc}"
        except Inconclusive as exc:
            result[check] = f"ERROR {exc}"
    return result


@pytest.mark.proves("perf.avg_response")
@pytest.mark.proves("perf.max_response")
@pytest.mark.proves("perf.error_rate")
@pytest.mark.proves("perf.concurrent_users")
@pytest.mark.proves("perf.search_response")
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_no_perf_check_passes_on_a_target_that_serves_nothing(tmp_path, monkeypatch, kind):
    monkeypatch.setenv("DOKIEM_TEST_LOAD_PW", "Mk!hostile-1")
    with HOSTILE[kind]() as server:
        if kind == "refuses-after-preflight":
            profile = Profile(tmp_path / "p.yaml", profile_data(server.url), "0")
            server.answers = len(profile.base_urls())  # one answer per probe, then the port is closed
            unreachable, _ = check_reachable(profile, 5)
            assert not unreachable, "the pre-flight saw it answer"
        staging = tmp_path / "staging"
        (staging / RUN_FILES).mkdir(parents=True)
        monkeypatch.setenv(ENV_STAGING, str(staging))
        obs = run_load(tmp_path, server.url)
    served = {op: e["successes"] for op, e in obs["operations"].items()}
    noted = {r["name"]: r["status"] for r in exercise.read(staging / RUN_FILES / exercise.FILE)}
    assert set(noted) == set(obs["operations"]), "each operation the load test sent counts for coverage"
    assert all((noted[op] == 200) == bool(served[op]) for op in noted), "only a served answer exercises it"
    assert sum(e["requests"] for e in obs["operations"].values()) > 0, "the load was sent"
    assert not any(served.get(op) for op in plan.ANSWER_SHAPES if op != "get_procedure"), served
    result = verdicts(obs)
    assert not [check for check, verdict in result.items() if verdict == "PASS"], result
    if not judges.measurement_problems(obs, PARAMS["perf.concurrent_users"], PARAMS["perf.duration_s"]):
        assert result["perf.error_rate"].startswith("FAIL"), "every unserved answer is an error"
    # else a busy machine did not hold the load: every check is ERROR saying so, which is no PASS either
