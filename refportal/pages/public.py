"""Public pages: home, catalogue, procedure, guide, agency, sector, forms, lookup, feedback,
surveys, statistics, the English page, robots.txt and the sitemap."""
from __future__ import annotations

import json
import math
import sqlite3
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response
from markupsafe import Markup

from refportal import catalogue, defects, dossier_views, feedback, stats, status
from refportal.accounts import User
from refportal.failures import ApiError
from refportal.pages.dossier_pages import need_login
from refportal.pages.render import check_csrf, redirect, render
from refportal.web import base_url, client_ip, ctx_of, get_conn, page_user, query_day

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


def deep_navigation() -> bool:
    """Defect procedure-deep: procedure pages only from home → catalogue → sector → level → procedure
    (4 clicks): the home page lists no sectors, agencies or procedures, the catalogue without a
    keyword lists sectors, a sector page lists its levels."""
    return defects.on("procedure-deep")


@router.get("/")
def home(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User | None = Depends(page_user)):
    featured, _ = catalogue.search(conn, level=4, page_size=100)
    if deep_navigation():
        return render(request, "home.html", sectors=[], agencies=[], featured=[], deep=True)
    return render(request, "home.html", sectors=catalogue.sectors(conn), agencies=catalogue.agencies(conn),
                  featured=featured)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@router.get("/thu-tuc")
def catalogue_page(request: Request, q: str = "", agency: str = "", sector: str = "", level: str = "", page: str = "1",
                   conn: sqlite3.Connection = Depends(get_conn), user: User | None = Depends(page_user)):
    level_n = _int(level) if _int(level) in (2, 3, 4) else None
    page_n = max(_int(page) or 1, 1)
    items, total = catalogue.search(conn, q[:200], agency, sector, level_n, page_n, PAGE_SIZE)

    def page_url(n: int) -> str:
        return "/thu-tuc?" + urlencode({"q": q, "agency": agency, "sector": sector, "level": level_n or "", "page": n})

    sector_index = None
    if deep_navigation() and not q.strip():
        items, total, sector_index = [], 0, catalogue.sectors(conn)
    echo = None
    if q.strip():
        echo = q.strip()[:200]
        if defects.on("xss-search"):
            echo = Markup(echo)  # DEFECT: the search words are put into the page without escaping
    return render(request, "catalogue.html", heading="Danh mục thủ tục hành chính", show_filters=True, items=items,
                  total=total, q=q, agency=agency, sector=sector, level=level_n, page=page_n,
                  pages=max(1, math.ceil(total / PAGE_SIZE)), page_url=page_url, echo=echo, sector_index=sector_index,
                  agencies=catalogue.agencies(conn), sectors=catalogue.sectors(conn))


@router.get("/thu-tuc/{code}")
def procedure_page(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                   user: User | None = Depends(page_user)):
    found = catalogue.get(conn, code)
    if found is None:
        raise ApiError(404, "Không tìm thấy thủ tục — unknown procedure")
    return render(request, "procedure.html", p=catalogue.published(found))


@router.get("/thu-tuc/{code}/huong-dan")
def guide_page(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
               user: User | None = Depends(page_user)):
    found = catalogue.get(conn, code)
    if found is None:
        raise ApiError(404, "Không tìm thấy thủ tục — unknown procedure")
    return render(request, "guide.html", p=catalogue.published(found))


@router.get("/co-quan/{code}")
def agency_page(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                user: User | None = Depends(page_user)):
    found = catalogue.agency(conn, code)
    if found is None:
        raise ApiError(404, "Không tìm thấy cơ quan — unknown agency")
    items, total = catalogue.search(conn, agency=code, page_size=200)
    return render(request, "catalogue.html", heading=f"Thủ tục của {found['name']}",
                  description=f"Mã cơ quan (QCVN 102:2016): {code}", items=items, total=total, pages=1)


@router.get("/linh-vuc/{code}")
def sector_page(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                user: User | None = Depends(page_user)):
    found = catalogue.sector(conn, code)
    if found is None:
        raise ApiError(404, "Không tìm thấy lĩnh vực — unknown sector")
    level = _int(request.query_params.get("muc-do"))
    if deep_navigation() and level not in (2, 3, 4):
        return render(request, "catalogue.html", heading=f"Thủ tục lĩnh vực {found['name']}",
                      description=f"Mã lĩnh vực: {code}. Chọn mức độ dịch vụ công trực tuyến.", items=[], total=0,
                      pages=1, level_index=[(n, f"/linh-vuc/{code}?muc-do={n}") for n in (2, 3, 4)])
    items, total = catalogue.search(conn, sector=code, level=level if level in (2, 3, 4) else None, page_size=200)
    return render(request, "catalogue.html", heading=f"Thủ tục lĩnh vực {found['name']}",
                  description=f"Mã lĩnh vực: {code}", items=items, total=total, pages=1)


@router.get("/bieu-mau/{procedure_code}/{file_name}")
def form_download(procedure_code: str, file_name: str, request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    component = file_name.removesuffix(".docx")
    if defects.on("forms-not-downloadable"):
        raise ApiError(404, "Không tìm thấy biểu mẫu — unknown form")  # DEFECT: forms cannot be downloaded
    found = catalogue.form_file(conn, ctx_of(request).portal.portal_name, procedure_code, component)
    if found is None or not file_name.endswith(".docx"):
        raise ApiError(404, "Không tìm thấy biểu mẫu — unknown form")
    name, data = found
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"content-disposition": f'attachment; filename="{name}"',
                             "cache-control": "public, max-age=3600"})


@router.get("/tra-cuu")
def lookup_page(request: Request, ma: str = "", conn: sqlite3.Connection = Depends(get_conn),
                user: User | None = Depends(page_user)):
    if defects.on("lookup-needs-login"):
        need_login(request, user)  # DEFECT: the public lookup asks for a login
    code = ma.strip()[:60]
    found = dossier_views.lookup(conn, code) if code else None
    if found and defects.on("lookup-page-stopped-as-processing") and found["status_label"] == status.label(status.DUNG_XU_LY):
        # DEFECT: the page's own label table lacks "Dừng xử lý" and falls back to "being processed" (the API is right)
        found = {**found, "status_label": status.label(status.DANG_GIAI_QUYET)}
    hidden = None
    if found and defects.on("lookup-hidden-contact"):
        # DEFECT: the page carries the applicant's phone (+84 form) and birth date (dd/mm/yyyy) in its markup
        row = conn.execute("SELECT applicant FROM dossiers WHERE code = ?", (found["code"],)).fetchone()
        applicant = json.loads(row["applicant"]) if row else {}
        phone = str(applicant.get("phone") or "")
        birth = str(applicant.get("birth_date") or "")
        hidden = {"phone": "+84 " + phone[1:] if phone.startswith("0") else phone,
                  "birth": "/".join(reversed(birth[:10].split("-"))) if birth else ""}
    return render(request, "lookup.html", code=code, found=found, hidden=hidden,
                  status_code=404 if code and not found else 200)


@router.get("/phan-anh")
def feedback_page(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User | None = Depends(page_user)):
    # DEFECT no-feedback-form: the page stays (links keep working) but offers no form
    return render(request, "feedback.html", form={}, published=feedback.published(conn),
                  closed=defects.on("no-feedback-form"))


@router.post("/phan-anh")
async def feedback_post(request: Request, conn: sqlite3.Connection = Depends(get_conn),
                        user: User | None = Depends(page_user)):
    form = await request.form()
    check_csrf(request, form)
    if defects.on("no-feedback-form"):
        raise ApiError(404, "Không tìm thấy — not found")
    data = {k: str(form.get(k) or "") for k in ("title", "content", "name", "email")}
    try:
        code = feedback.submit(conn, data, client_ip(request))
    except ApiError as exc:
        return render(request, "feedback.html", status_code=exc.status, form=data, errors=exc.message,
                      published=feedback.published(conn))
    return redirect(request, f"/phan-anh/{code}?moi=1")


@router.get("/phan-anh/xem")
def feedback_find(request: Request, ma: str = ""):
    return redirect(request, f"/phan-anh/{ma.strip()[:60]}")


@router.get("/phan-anh/{tracking_code}")
def feedback_view(tracking_code: str, request: Request, moi: str = "", conn: sqlite3.Connection = Depends(get_conn),
                  user: User | None = Depends(page_user)):
    found = feedback.get(conn, tracking_code)
    if found is None:
        raise ApiError(404, "Không tìm thấy phản ánh, kiến nghị với mã theo dõi này — unknown tracking code")
    return render(request, "feedback_view.html", f=found, created=bool(moi))


def _survey_page(request: Request, conn, status_code: int = 200, **values):
    items = feedback.surveys(conn)
    counts = {s["id"]: feedback.survey_results(conn, s["id"])["response_count"] for s in items}
    return render(request, "surveys.html", status_code=status_code, surveys=items, counts=counts, **values)


@router.get("/khao-sat")
def surveys_page(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User | None = Depends(page_user)):
    return _survey_page(request, conn)


@router.post("/khao-sat/{survey_id}")
async def survey_post(survey_id: int, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                      user: User | None = Depends(page_user)):
    form = await request.form()
    check_csrf(request, form)
    answers = {k: str(v) for k, v in form.items() if k != "csrf_token" and str(v).strip()}
    try:
        feedback.answer_survey(conn, survey_id, answers)
    except ApiError as exc:
        return _survey_page(request, conn, status_code=exc.status, error=exc.message)
    return _survey_page(request, conn, message="Cảm ơn Quý vị đã tham gia khảo sát.")


@router.get("/thong-ke")
def stats_page(request: Request, date_from: str = "", date_to: str = "", agency: str = "",
               conn: sqlite3.Connection = Depends(get_conn), user: User | None = Depends(page_user)):

    numbers = stats.statistics(conn, query_day(date_from, "date_from"), query_day(date_to, "date_to"), agency or None)
    query = urlencode({k: v for k, v in (("date_from", date_from), ("date_to", date_to), ("agency", agency)) if v})
    return render(request, "stats.html", s=numbers, agencies=catalogue.agencies(conn),
                  json_url="/api/statistics" + (f"?{query}" if query else ""))


@router.get("/en")
def english_page(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User | None = Depends(page_user)):
    if defects.on("english-missing"):
        raise ApiError(404, "Không tìm thấy trang — not found")  # DEFECT: no English page (links hidden in base.html)
    _, count = catalogue.search(conn, page_size=1)
    foreign = [p for p in catalogue.search(conn, q="nuoc ngoai", page_size=10)[0]]
    return render(request, "en.html", lang="en", count=count, foreign=[] if deep_navigation() else foreign,
                  untranslated=defects.on("english-untranslated"))


@router.get("/robots.txt")
def robots(request: Request):
    return PlainTextResponse("User-agent: *\nAllow: /\nAllow: /thu-tuc/\nDisallow: /api/\nDisallow: /ho-so/\n"
                             "Disallow: /ho-so-cua-toi\nDisallow: /mot-cua/\n"
                             f"Sitemap: {base_url(request)}/sitemap.xml\n")


@router.get("/sitemap.xml")
def sitemap(request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    url = base_url(request)
    items, _ = catalogue.search(conn, page_size=200)
    pages = ["/", "/thu-tuc", "/tra-cuu", "/phan-anh", "/khao-sat", "/thong-ke"]
    if not defects.on("english-missing"):
        pages.append("/en")
    pages += [catalogue.procedure_path(p["code"]) for p in items]
    body = "".join(f"<url><loc>{url}{p}</loc></url>" for p in pages)
    return Response('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"{body}</urlset>", media_type="application/xml")
