"""Performance under load (section 5): thin calls of the judges over one load test."""
import pytest

from suites.performance import judges


@pytest.mark.check("perf.avg_response")
def test_avg_response(load_test, param):
    judges.judge_avg_response(load_test, param("perf.avg_response_ms"), param("perf.concurrent_users"),
                              param("perf.duration_s"))


@pytest.mark.check("perf.max_response")
def test_max_response(load_test, param):
    judges.judge_max_response(load_test, param("perf.max_response_ms"), param("perf.concurrent_users"),
                              param("perf.duration_s"))


@pytest.mark.check("perf.error_rate")
def test_error_rate(load_test, param):
    judges.judge_error_rate(load_test, param("perf.error_rate_percent"), param("perf.concurrent_users"),
                            param("perf.duration_s"))


@pytest.mark.check("perf.concurrent_users")
def test_concurrent_users(load_test, param):
    judges.judge_concurrent_users(load_test, param("perf.concurrent_users"), param("perf.duration_s"))


@pytest.mark.check("perf.search_response")
def test_search_response(load_test, param):
    judges.judge_search_response(load_test, param("perf.search_response_ms"), param("perf.concurrent_users"),
                                 param("perf.duration_s"))
