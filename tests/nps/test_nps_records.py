"""The records query: filters, the bounded wait (woken by a Condition), reset and the JSONL copy."""
from __future__ import annotations

import json
import threading
import time

import requests

from harness.nps.records import RecordStore


def _sms(base_url, to="0900000001", text="tin nhắn"):
    requests.post(f"{base_url}/sms/send", json={"to": to, "message": text}, timeout=10)


def test_a_wait_returns_as_soon_as_enough_records_arrive(base_url, nps):
    since = nps.last_seq()
    sender = threading.Timer(0.3, lambda: [_sms(base_url, to=f"09000000{i:02d}") for i in range(2)])
    started = time.monotonic()
    sender.start()
    found = nps.records(kind="sms", since=since, wait=60, min=2)
    elapsed = time.monotonic() - started
    sender.join()
    assert len(found) == 2
    assert elapsed < 30  # woken by the arrivals, far before the 60 s bound


def test_a_wait_returns_what_it_has_when_the_bound_passes(base_url, nps):
    _sms(base_url)
    started = time.monotonic()
    found = nps.records(kind="sms", wait=0.5, min=3)
    assert time.monotonic() - started >= 0.5
    assert len(found) == 1  # not enough, returned anyway: the caller judges


def test_wait_for_never_raises_on_timeout(nps):
    assert nps.wait_for(kind="mail", match="không bao giờ đến", timeout=0.3) == []


def test_filters_by_kind_service_since_and_match(base_url, nps, integrate):
    integrate("TraCuuHoSo", mahoso="000.00.00.H29-261124-0001")
    integrate("TraCuuHoSo", mahoso="000.00.00.H29-261124-0002")
    _sms(base_url, text="hồ sơ 000.00.00.H29-261124-0002")
    everything = nps.records()
    assert [r["kind"] for r in everything] == ["auth", "packet", "packet", "sms"]
    assert [r["seq"] for r in everything] == sorted(r["seq"] for r in everything)
    assert len(nps.records(kind="packet", service="TraCuuHoSo")) == 2
    assert [r["kind"] for r in nps.records(match="261124-0002")] == ["packet", "sms"]
    assert nps.records(since=everything[-2]["seq"]) == everything[-1:]
    for record in everything:
        assert record["run_id"] == "run-nps-tests"
        assert record["time"][10] == "T" and record["time"].endswith("+07:00")


def test_reset_forgets_records_but_seq_keeps_counting(base_url, nps):
    _sms(base_url)
    before = nps.last_seq()
    nps.reset()
    assert nps.records() == []
    _sms(base_url)
    assert nps.records()[0]["seq"] == before + 1


def test_bad_query_parameters_are_refused_by_name(base_url, nps):
    reply = requests.get(f"{base_url}/_sim/records", params={"since": "hôm qua"})
    assert reply.status_code == 400 and "since" in reply.json()["error"]


def test_every_record_is_also_appended_to_the_jsonl_file(base_url, nps, records_file):
    _sms(base_url, to="0987654321")
    last = json.loads(records_file.read_text(encoding="utf-8").splitlines()[-1])
    assert last["kind"] == "sms" and last["request"]["to"] == "0987654321"


def test_the_store_keeps_only_the_newest_records():
    store = RecordStore("r", capacity=3)
    for i in range(5):
        store.add("sms", "sms", {"i": i}, {}, [], "t")
    found, last = store.query()
    assert [r["request"]["i"] for r in found] == [2, 3, 4] and last == 5


def test_a_waiter_is_woken_when_the_store_closes():
    store = RecordStore("r")
    result = []
    waiter = threading.Thread(target=lambda: result.append(store.query(wait=60)))
    waiter.start()
    time.sleep(0.05)  # let the waiter block; if it has not yet, it sees the closed store at once
    store.close()
    waiter.join(timeout=10)
    assert not waiter.is_alive() and result == [([], 0)]
