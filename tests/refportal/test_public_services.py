"""Feedback and petitions, surveys, and public statistics equal to the real counts."""
from __future__ import annotations

from tests.refportal.conftest import LEVEL3


def test_feedback_tracked_answered_and_published(portal, specialist, citizen):
    http = portal.session()
    created = http.post(portal.url + "/api/feedback", json={"title": "Thời gian trả kết quả", "content": "Đề nghị rút ngắn",
                                                            "email": "dan@mail.test", "name": "Lý Văn Nam"})
    assert created.status_code == 201
    code = created.json()["tracking_code"]
    assert code.startswith("PAKN-")
    before = http.get(portal.url + f"/api/feedback/{code}").json()
    assert before["status_label"] == "Đã tiếp nhận" and before["answer"] is None and before["content"] == "Đề nghị rút ngắn"
    assert citizen.post(f"/api/feedback/{code}/answer", json={"answer": "x"}).status_code == 403
    assert specialist.post(f"/api/feedback/{code}/answer", json={"answer": "Đã chỉ đạo rút ngắn còn 3 ngày"}).status_code == 200
    after = http.get(portal.url + f"/api/feedback/{code}").json()
    assert after["status_label"] == "Đã trả lời" and after["answer"] == "Đã chỉ đạo rút ngắn còn 3 ngày"
    public_page = portal.get("/phan-anh").text
    assert "Đã chỉ đạo rút ngắn còn 3 ngày" in public_page and "dan@mail.test" not in public_page
    assert "Lý Văn Nam" not in public_page
    listed = http.get(portal.url + "/api/feedback").json()["items"]  # Công văn 4663: answers published
    mine = [item for item in listed if item["tracking_code"] == code]
    assert mine and mine[0]["answer"] == "Đã chỉ đạo rút ngắn còn 3 ngày"
    assert "dan@mail.test" not in str(listed) and "Lý Văn Nam" not in str(listed)
    assert http.get(portal.url + "/api/feedback/PAKN-000000-XXXXXX").status_code == 404
    assert http.post(portal.url + "/api/feedback", json={"title": "", "content": "x"}).status_code == 422


def test_survey_answer_counts(portal):
    http = portal.session()
    survey = http.get(portal.url + "/api/surveys").json()["items"][0]
    before = http.get(portal.url + f"/api/surveys/{survey['id']}/results").json()
    choice = survey["questions"][0]
    ok = http.post(portal.url + f"/api/surveys/{survey['id']}/answers",
                   json={"answers": {choice["id"]: choice["options"][0], "q3": "Giao diện dễ dùng"}})
    assert ok.status_code == 201
    after = http.get(portal.url + f"/api/surveys/{survey['id']}/results").json()
    assert after["response_count"] == before["response_count"] + 1
    first = next(q for q in after["questions"] if q["id"] == choice["id"])
    assert first["counts"][choice["options"][0]] == next(
        q for q in before["questions"] if q["id"] == choice["id"])["counts"][choice["options"][0]] + 1
    bad = http.post(portal.url + f"/api/surveys/{survey['id']}/answers", json={"answers": {choice["id"]: "Không có"}})
    assert bad.status_code == 422
    assert http.post(portal.url + "/api/surveys/999/answers", json={"answers": {"q1": "x"}}).status_code == 404


def test_statistics_equal_the_real_counts(portal, citizen, officer, specialist, leader):
    def numbers():
        return portal.get("/api/statistics").json()

    before = numbers()
    resolved = citizen.submit(LEVEL3)["code"]
    officer.step(resolved, "receive")
    specialist.step(resolved, "process")
    leader.step(resolved, "approve")
    pending = citizen.submit(LEVEL3)["code"]
    officer.step(pending, "receive")
    citizen.submit(LEVEL3)  # not received: not counted
    stopped = citizen.submit(LEVEL3)["code"]
    officer.step(stopped, "receive")
    specialist.step(stopped, "stop", reason="Trùng hồ sơ")
    after = numbers()
    delta = {k: after[k] - before[k] for k in ("received", "resolved", "on_time", "late", "pending")}
    assert delta == {"received": 3, "resolved": 1, "on_time": 1, "late": 0, "pending": 1}
    assert after["resolved"] == after["on_time"] + after["late"]
    assert after["received"] >= after["resolved"] + after["pending"]
    sector = next(s for s in after["by_sector"] if s["sector_code"] == "H29-XD")
    assert sector["received"] >= 3 and sum(a["received"] for a in after["by_agency"]) == after["received"]
    assert sum(m["received"] for m in after["by_month"]) == after["received"]
    page = portal.get("/thong-ke").text
    assert f"<td>{after['received']}</td>" in page and "Đúng hạn" in page


def test_statistics_filters(portal):
    all_time = portal.get("/api/statistics").json()
    none = portal.get("/api/statistics", params={"date_from": "2000-01-01", "date_to": "2000-12-31"}).json()
    assert none["received"] == 0 and all_time["received"] > 0
    one_agency = portal.get("/api/statistics", params={"agency": "000.00.16.H29"}).json()
    assert 0 < one_agency["received"] <= all_time["received"]
    assert {a["agency_code"] for a in one_agency["by_agency"]} == {"000.00.16.H29"}
    assert portal.get("/api/statistics", params={"date_from": "hôm qua"}).status_code == 422
