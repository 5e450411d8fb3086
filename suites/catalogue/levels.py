"""Measure a procedure's real online service level and mode from what catalogue_sample observed (pure).

What each level and mode requires is edition data (edition.yaml `service_levels`, recorded in the
observations as `service_levels`): for the 2018 edition NĐ 43/2011/NĐ-CP Điều 3 khoản 4 (levels 1-4)
and NĐ 42/2022/NĐ-CP Điều 11 (toàn trình / một phần). This module only measures the signals the
model is written in, and applies the model.

The levels are cumulative: a procedure whose page lacks a level-1 element delivers no level at
all, whatever it offers above. What each signal means here (a tester can read every one in the
evidence):
- level1_info: each element of LEVEL1_ELEMENTS has a caption among the page's headings, labels or
  table headers, and the page shows the value the target's record gives for it;
- forms: every form the record or the page lists downloads as a document (FORM_OK);
- online_submission: the page offers an online submission entry (a link or button named like
  SUBMIT_ENTRY) that answers without an error;
- online_payment: the procedure's methods (cách thức thực hiện) or its guide say fees are paid
  online (ONLINE_PAYMENT), or the procedure has no fee;
- electronic_result: they say the result is given electronically (E_RESULT);
- result_online_or_post: an electronic result, or the result sent by public post (POSTAL_RESULT).
The dossier suite proves a real submission and payment (levels.online_submission,
levels.online_payment); this measure is what the catalogue offers, for every sampled procedure.
"""
from __future__ import annotations

import re

from harness.judging import Inconclusive, fold

# element -> (record key, caption pattern over folded heading text)
LEVEL1_ELEMENTS = {
    "name": ("name", None),
    "steps": ("steps", r"trinh tu"),
    "methods": ("methods", r"cach thuc"),
    "components": ("components", r"thanh phan.*ho so|ho so (gom|bao gom)|giay to"),
    "time_limit": ("processing_days", r"thoi han|thoi gian giai quyet"),
    "applicants": ("applicants", r"doi tuong"),
    "agency": ("agency_name", r"co quan"),
    "result": ("result", r"ket qua"),
    "fees": ("fees", r"\bphi\b|le phi"),
    "legal_basis": ("legal_basis", r"can cu phap ly|can cu"),
}
ELEMENT_LABELS = {
    "name": "tên thủ tục (name)", "steps": "trình tự thực hiện (sequence)",
    "methods": "cách thức thực hiện (method)", "components": "thành phần hồ sơ (dossier components)",
    "time_limit": "thời hạn giải quyết (time limit)", "applicants": "đối tượng thực hiện (applicants)",
    "agency": "cơ quan thực hiện (executing agency)", "result": "kết quả thực hiện (result)",
    "fees": "phí, lệ phí (fees)", "legal_basis": "căn cứ pháp lý (legal basis)",
}
SUBMIT_ENTRY = re.compile(r"\bnop\b.*\btruc tuyen\b|^nop ho so\b|dang ky truc tuyen|submit online|apply online")
ONLINE_PAYMENT = re.compile(r"thanh toan\b[^.;:\n]{0,80}\btruc tuyen\b|\btruc tuyen\b[^.;:\n]{0,40}\bthanh toan\b"
                            r"|thanh toan (dien tu|online)|online payment|pay online")
E_RESULT = re.compile(r"ket qua\b[^.;:\n]{0,40}\b(dien tu|truc tuyen|ban dien tu)\b"
                      r"|(tra|nhan) ket qua (dien tu|truc tuyen|qua mang)|electronic result")
POSTAL_RESULT = re.compile(r"ket qua\b[^.;:\n]{0,60}\b(buu chinh|buu dien)|(buu chinh|buu dien)[^.;:\n]{0,40}\btra ket qua")
SIGNAL_LABELS = {
    "level1_info": "thông tin mức 1 đầy đủ — complete level-1 information",
    "forms": "biểu mẫu tải được — downloadable forms",
    "online_submission": "nộp hồ sơ trực tuyến — online submission entry",
    "online_payment": "thanh toán phí, lệ phí trực tuyến — online payment",
    "electronic_result": "kết quả điện tử — electronic result",
    "result_online_or_post": "trả kết quả trực tuyến hoặc qua bưu chính công ích — result online or by public post",
}
GUIDE_LINK = re.compile(r"huong dan|\bguide\b|video")
DOCUMENT_TYPES = ("application/pdf", "application/msword", "application/vnd.openxmlformats-officedocument",
                  "application/vnd.oasis.opendocument", "application/vnd.ms-excel", "application/rtf")
DOCUMENT_MAGIC = {"25504446": "PDF", "d0cf11e0": "DOC/XLS (OLE)", "504b0304": "DOCX/XLSX/ODT (ZIP)",
                  "7b5c7274": "RTF"}
VALUE_PROBE_CHARS = 60  # the first characters of a record value that must appear on the page


# ------------------------------------------------------------------------- level 1

def _items(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _item_text(item) -> str:
    if isinstance(item, dict):
        for key in ("name", "ten", "text", "title", "description"):
            if item.get(key):
                return str(item[key])
        return " ".join(str(v) for v in item.values() if isinstance(v, (str, int, float)))
    return "" if item is None else str(item)


def _shown(value, page_text: str) -> bool:
    """Whether the page shows the record's value: the first characters of its first non-empty item."""
    for item in _items(value):
        probe = fold(_item_text(item))[:VALUE_PROBE_CHARS].strip()
        if probe:
            return probe in page_text
    return False


def level1_problems(proc: dict) -> list[str]:
    """Which level-1 elements the procedure's page does not show (empty: complete)."""
    record, page = proc.get("record") or {}, proc.get("page") or {}
    if not page.get("loaded"):
        return ["trang thủ tục không mở được — the procedure page did not load"]
    text = fold(page.get("text"))
    headings = [fold(h) for h in page.get("headings") or []]
    problems = []
    for element, (key, caption) in LEVEL1_ELEMENTS.items():
        label = ELEMENT_LABELS[element]
        value = record.get(key) if key in record else None
        if key in record and not [i for i in _items(value) if _item_text(i).strip()]:
            problems.append(f"{label}: hồ sơ API để trống — the record gives it empty")
            continue
        if caption and not any(re.search(caption, h) for h in headings):
            problems.append(f"{label}: trang không có mục này — no heading or label for it on the page")
            continue
        if key in record and not _shown(value, text):
            problems.append(f"{label}: trang không hiển thị nội dung — the page does not show the record's value")
    return problems


# ------------------------------------------------------------------------- level 2

def form_problem(form: dict) -> str | None:
    """Why a form download is not a document (None: it is one)."""
    if form.get("error"):
        return f"không tải được — no answer ({form['error']})"
    if form.get("status") != 200:
        return f"HTTP {form.get('status')}"
    if not form.get("bytes"):
        return "tệp rỗng — empty file"
    ctype = (form.get("content_type") or "").lower()
    magic = (form.get("magic") or "").lower()
    if any(ctype.startswith(t) for t in DOCUMENT_TYPES) or any(magic.startswith(m) for m in DOCUMENT_MAGIC):
        return None
    return f"không phải tài liệu (PDF, DOC, DOCX, ODT, XLS) — not a document: {ctype or 'no content type'}"


def forms_ok(proc: dict) -> bool:
    return all(form_problem(f) is None for f in proc.get("forms") or [])


# ------------------------------------------------------------------------- levels 3 and 4

def submission_entry(links: list[dict]) -> dict | None:
    """The page's online submission entry: a link or button named like SUBMIT_ENTRY."""
    for link in links or []:
        if SUBMIT_ENTRY.search(fold(link.get("text"))):
            return link
    return None


def submission_ok(proc: dict) -> bool:
    entry = proc.get("submission_entry")
    if not entry:
        return False
    if entry.get("href") in (None, ""):  # a button that opens the e-form in place
        return True
    return not entry.get("error") and entry.get("status") is not None and entry["status"] < 400


def offer_text(proc: dict) -> str:
    """Where a procedure says how it is carried out, folded: its 'cách thức thực hiện' (the
    record's methods, which the page must show — level1_problems) and its guide. The rest of the
    page is left out: portals print the same generic steps on every procedure page."""
    methods = (proc.get("record") or {}).get("methods")
    if methods:
        said = " ".join(_item_text(item) for item in _items(methods))
    else:  # a record without methods: the whole page is all there is
        said = (proc.get("page") or {}).get("text") or ""
    return fold(" ".join([said, (proc.get("guide") or {}).get("text") or ""]))


def fee_required(proc: dict) -> bool:
    """Whether the procedure has a fee to pay (unknown amounts count as a fee)."""
    for fee in _items((proc.get("record") or {}).get("fees")):
        amount = fee.get("amount") if isinstance(fee, dict) else None
        if amount is None:
            return True
        try:
            if float(str(amount).replace(".", "").replace(",", "")) > 0:
                return True
        except ValueError:
            return True
    return False


def features(proc: dict) -> dict:
    text = offer_text(proc)
    return {
        "level1": not level1_problems(proc),
        "forms": forms_ok(proc),
        "submission": submission_ok(proc),
        "payment": bool(ONLINE_PAYMENT.search(text)),
        "fee_required": fee_required(proc),
        "e_result": bool(E_RESULT.search(text)),
        "postal_result": bool(POSTAL_RESULT.search(text)),
    }


MODE_WORDS = {"toan_trinh": "toàn trình", "mot_phan": "một phần", None: "không phải dịch vụ công trực tuyến"}


def model_of(observations: dict) -> dict:
    """The edition's level model as the scenario recorded it; without it no level can be judged."""
    model = observations.get("service_levels")
    if not model:
        raise Inconclusive("phiên bản tiêu chí không có mô hình mức độ dịch vụ (service_levels) — the edition "
                           "gives no service-level model to measure against")
    return model


def signals(f: dict) -> dict:
    """The signals the edition's level model is written in, from the measured features."""
    return {"level1_info": f["level1"], "forms": f["forms"], "online_submission": f["submission"],
            "online_payment": f["payment"] or not f["fee_required"], "electronic_result": f["e_result"],
            "result_online_or_post": f["e_result"] or f["postal_result"]}


def measure(proc: dict, model: dict) -> dict:
    """{'level': 0-4, 'mode': 'toan_trinh' | 'mot_phan' | None, 'features': {...}, 'signals': {...},
    'missing': [(level, what is not offered)]} under the edition's model (`service_levels`)."""
    f = features(proc)
    offered = signals(f)
    level, missing = 0, []
    for step in sorted(model["levels"], key=lambda s: s["level"]):
        lacking = [SIGNAL_LABELS[r] for r in step["requires"] if not offered[r]]
        if not lacking and level == step["level"] - 1:
            level = step["level"]
        elif lacking:
            missing.append((step["level"], ", ".join(lacking)))
    mode = next((m["mode"] for m in model["modes"] if all(offered[r] for r in m["requires"])), None)
    return {"level": level, "mode": mode, "features": f, "signals": offered, "missing": missing}


def mode_missing(proc: dict, model: dict, mode: str) -> str:
    """What a procedure lacks for `mode`, in words (empty when it offers it)."""
    offered = signals(features(proc))
    spec = next((m for m in model["modes"] if m["mode"] == mode), None)
    if spec is None:
        return ""
    return ", ".join(SIGNAL_LABELS[r] for r in spec["requires"] if not offered[r])


def mode_rank(mode: str | None, model: dict) -> int:
    """Modes in the model are listed best first: toàn trình above một phần above none."""
    names = [m["mode"] for m in model["modes"]]
    return len(names) - names.index(mode) if mode in names else 0


def declared(proc: dict) -> tuple[int | None, str | None]:
    """The level and mode the portal claims: the higher of the listing's and the record's."""
    listing, record = proc.get("listing") or {}, proc.get("record") or {}
    levels = [v for v in (listing.get("level"), record.get("level")) if v]
    modes = [m for m in (listing.get("online_mode"), record.get("online_mode")) if m]
    mode = "toan_trinh" if "toan_trinh" in modes else (modes[0] if modes else None)
    return (max(levels) if levels else None), mode
