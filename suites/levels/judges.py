"""Judges of the levels.* checks: the online service level a procedure declares (NĐ 43/2011) and
the level it delivers — over the sampled catalogue (catalogue_sample) and over the run's own
level-4 dossier (dossier_life). Pure functions of the observations.
"""
from __future__ import annotations

from harness.judging import Inconclusive, fail_if, require
from suites.catalogue import levels
from suites.catalogue.judges import conclude, sampled, who
from suites.catalogue.tables import measurable
from suites.dossier.documents import parse_time
from suites.dossier.reading import dossier, done, paid, returns


def level1_info(observations: dict) -> None:
    """levels.level1_info"""
    procs = sampled(observations)
    problems = []
    for proc in procs:
        if proc.get("record_error"):
            problems.append(f"{who(proc)}: get_procedure không thành công — no record: {proc['record_error']}")
        elif measurable(proc):
            problems += [f"{who(proc)}: {p}" for p in levels.level1_problems(proc)]
    conclude(problems, [p for p in procs if not measurable(p)],
             "Trang thủ tục thiếu thông tin mức độ 1 (NĐ 43/2011, TT 32/2017) — level-1 information missing")


def form_download(observations: dict) -> None:
    """levels.form_download"""
    procs = sampled(observations)
    population = [(proc, form) for proc in procs for form in proc.get("forms") or []
                  if (levels.declared(proc)[0] or 0) >= 2]
    require(population, "biểu mẫu của thủ tục mức độ 2 trở lên (form of a level 2+ procedure)")
    problems = []
    for proc, form in population:
        problem = levels.form_problem(form)
        if problem:
            problems.append(f"{who(proc)}: biểu mẫu '{form.get('name')}' {form['url']}: {problem}")
    fail_if(problems, f"Biểu mẫu không tải được ({len(problems)}/{len(population)})", "forms that do not download")


def declared_vs_delivered(observations: dict) -> None:
    """levels.declared_vs_delivered"""
    procs = sampled(observations)
    model = levels.model_of(observations)
    problems = []
    for proc in procs:
        if not measurable(proc):
            continue
        level, mode = levels.declared(proc)
        if level is None:
            problems.append(f"{who(proc)}: không công bố mức độ — no declared level")
            continue
        measured = levels.measure(proc, model)
        if measured["level"] < level:
            lacking = [label for number, label in measured["missing"] if number <= level]
            problems.append(f"{who(proc)}: công bố mức {level}, thực tế mức {measured['level']} — declared level {level}, "
                            f"delivers {measured['level']}; thiếu (missing): {'; '.join(lacking)}")
        elif levels.mode_rank(mode, model) > levels.mode_rank(measured["mode"], model):
            problems.append(f"{who(proc)}: công bố {levels.MODE_WORDS[mode]}, thực tế {levels.MODE_WORDS[measured['mode']]} "
                            f"— declared {mode}, delivers {measured['mode'] or 'no online service'} (NĐ 42/2022 "
                            f"Điều 11); thiếu (missing): {levels.mode_missing(proc, model, mode)}")
    conclude(problems, [p for p in procs if not measurable(p)],
             "Mức độ công bố không được cung cấp thực tế — declared levels not delivered")


def online_submission(obs: dict) -> None:
    d = dossier(obs, "online_full")
    level = (d.get("procedure") or {}).get("level")
    if level is not None and str(level) not in ("3", "4"):
        raise Inconclusive(f"test_data.online_procedure {d['procedure_code']} có mức độ {level}, cần 3 hoặc 4 — "
                           "the profile's online_procedure must be a level-3 or level-4 procedure")
    submit = done(d, "submit")
    problems = []
    if not submit["vars"].get("dossier_code"):
        problems.append(f"nộp hồ sơ trực tuyến không trả về mã hồ sơ — the submission answered no dossier code ({d['code']})")
    when = submit["vars"].get("submitted_at") or (d.get("times") or {}).get("submitted_at")
    if parse_time(when) is None:
        problems.append(f"hồ sơ {d['code']}: không có thời điểm nộp — the portal shows no time of submission ({when!r})")
    fail_if(problems, first=None)
    browser = (obs.get("browser") or {}).get("submit") or {}
    if not browser.get("ok"):
        raise Inconclusive("nộp hồ sơ qua biểu mẫu điện tử trên trình duyệt không thực hiện được — the e-form submission "
                           f"in the browser could not be made: {browser.get('error') or (obs.get('browser') or {}).get('errors')}")


def online_payment(obs: dict) -> None:
    d = dossier(obs, "online_full")
    procedure = d.get("procedure") or {}
    if procedure.get("level") is not None and str(procedure["level"]) != "4":
        raise Inconclusive(f"thủ tục {d['procedure_code']} không ở mức độ 4 — test_data.online_procedure must be level 4")
    if procedure.get("fee_total") is not None and not procedure["fee_total"]:
        raise Inconclusive(f"thủ tục {d['procedure_code']} không có phí, lệ phí — choose a level-4 procedure with a fee")
    done(d, "request_payment")
    pay = done(d, "pay")
    confirmed = done(d, "payment_confirmed")
    problems = []
    if not pay["vars"].get("payment_reference"):
        problems.append(f"hồ sơ {d['code']}: thanh toán không trả về mã giao dịch — paying gave no payment reference")
    if confirmed.get("portal_code") == 6:
        problems.append(f"hồ sơ {d['code']}: sau khi nền tảng xác nhận thanh toán, hồ sơ vẫn chờ nghĩa vụ tài chính — "
                        "after the platform's confirmation the dossier still waits for payment")
    after = (d.get("payment") or {}).get("payment_after")
    if after is None and not returns(obs, "payment"):
        fail_if(problems, first=None)
        raise Inconclusive("get_dossier của hồ sơ mục tiêu không trả về 'payment' — the profile's get_dossier returns "
                           "no 'payment': the recorded payment cannot be seen")
    if not paid(after):
        problems.append(f"hồ sơ {d['code']}: không ghi nhận khoản đã thanh toán — the dossier does not show the payment "
                        f"({after!r})")
    fail_if(problems, first=None)


def e_result(obs: dict) -> None:
    d = dossier(obs, "online_full")
    level = (d.get("procedure") or {}).get("level")
    if level is not None and str(level) != "4":
        raise Inconclusive(f"thủ tục {d['procedure_code']} không ở mức độ 4 — test_data.online_procedure must be level 4")
    done(d, "approve")
    downloads = require([r for r in d.get("result_downloads") or [] if r.get("role") == "citizen"],
                        "lượt tải kết quả điện tử (result downloads)")
    good = [r for r in downloads if r.get("ok") and r.get("size")]
    if good:
        return
    answered = [r for r in downloads if r.get("http_status") is not None]
    if not answered:
        raise Inconclusive(f"không tải được kết quả — the result download could not be made: {downloads[0].get('error')}")
    raise AssertionError(f"hồ sơ {d['code']}: người nộp không tải được kết quả điện tử sau khi có kết quả — the applicant "
                         f"cannot download the electronic result: " + "; ".join(
                             f"sau '{r['after_step']}': HTTP {r['http_status']}, {r.get('size')} bytes" for r in answered))
