"""Measure a procedure's real online service level from what catalogue_sample observed (pure).

NĐ 43/2011/NĐ-CP Điều 3: level 1 gives the complete information on the procedure; level 2 adds
forms to download; level 3 adds online submission; level 4 adds online payment of fees (when
there are any) and the result delivered online. NĐ 42/2022/NĐ-CP Điều 11 regroups them:
"toàn trình" when submission, payment and result are all online, "một phần" when only part is.

The levels are cumulative: a procedure whose page lacks a level-1 element delivers no level at
all, whatever it offers above. What "offered" means here (a tester can read every signal in the
evidence):
- level 1: each element of LEVEL1_ELEMENTS has a caption among the page's headings, labels or
  table headers, and the page shows the value the target's record gives for it;
- level 2: every form the record or the page lists downloads as a document (FORM_OK);
- level 3: the page offers an online submission entry (a link or button named like
  SUBMIT_ENTRY) that answers without an error;
- level 4: the procedure's methods (cách thức thực hiện) or its guide say fees are paid online
  (ONLINE_PAYMENT; not needed when the procedure has no fee) and that the result is given
  electronically (E_RESULT).
The dossier suite proves a real submission and payment (levels.online_submission,
levels.online_payment); this measure is what the catalogue offers, for every sampled procedure.
"""
from __future__ import annotations

import re

from harness.judging import fold

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
    }


def measure(proc: dict) -> dict:
    """{'level': 0-4, 'mode': 'toan_trinh' | 'mot_phan' | None, 'features': {...},
    'missing': [(level, what is not offered)]}"""
    f = features(proc)
    paid = f["payment"] or not f["fee_required"]
    steps = [(1, f["level1"], "thông tin mức 1 đầy đủ — complete level-1 information"),
             (2, f["forms"], "biểu mẫu tải được — downloadable forms"),
             (3, f["submission"], "nộp hồ sơ trực tuyến — online submission entry"),
             (4, paid and f["e_result"], ", ".join(
                 what for what, ok in (("thanh toán phí, lệ phí trực tuyến — online payment", paid),
                                       ("kết quả điện tử — electronic result", f["e_result"])) if not ok))]
    level, missing = 0, []
    for number, ok, label in steps:
        if ok and level == number - 1:
            level = number
        elif not ok:
            missing.append((number, label))
    if f["submission"] and paid and f["e_result"]:
        mode = "toan_trinh"
    elif f["submission"]:
        mode = "mot_phan"
    else:
        mode = None
    return {"level": level, "mode": mode, "features": f, "missing": missing}


def declared(proc: dict) -> tuple[int | None, str | None]:
    """The level and mode the portal claims: the higher of the listing's and the record's."""
    listing, record = proc.get("listing") or {}, proc.get("record") or {}
    levels = [v for v in (listing.get("level"), record.get("level")) if v]
    modes = [m for m in (listing.get("online_mode"), record.get("online_mode")) if m]
    mode = "toan_trinh" if "toan_trinh" in modes else (modes[0] if modes else None)
    return (max(levels) if levels else None), mode
