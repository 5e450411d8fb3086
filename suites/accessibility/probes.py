"""Measurements taken inside one page in Chromium: facts for the judges, never verdicts.

Each function returns plain JSON-able data (observations). Everything a judge decides is decided
in judges.py, so a recorded observation replays the decision exactly.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import axe_playwright_python

AXE_SOURCE_FILE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
MAX_NODES_PER_RULE = 10   # axe nodes kept per rule in the observations (the evidence keeps all)
MAX_TEXT_CHARS = 100_000  # visible text kept per page
MAX_TABS = 80             # Tab presses allowed to reach a control before the probe gives up
SETTLE_MS = 1000          # bound on waiting for an in-page jump after Enter on a skip link

# --------------------------------------------------------------------------- page facts (public_pages)

PAGE_FACTS_JS = r"""
() => {
  const doc = document, root = doc.documentElement;
  const short = el => { const h = el.outerHTML || ""; return h.length > 240 ? h.slice(0, 240) + "…" : h; };
  const attr = (el, name) => el.hasAttribute(name) ? el.getAttribute(name) : null;
  const hidden = el => !!el.closest('[aria-hidden="true"]');
  const labelledby = el => (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
      .map(id => { const t = doc.getElementById(id); return t ? (t.textContent || "").trim() : ""; }).join(" ").trim();
  const names = el => ({aria_label: attr(el, "aria-label"), labelledby: labelledby(el), title: attr(el, "title")});
  const nonText = [];
  for (const el of doc.querySelectorAll("img")) {
    nonText.push({kind: "img", html: short(el), alt: attr(el, "alt"), role: attr(el, "role"), hidden: hidden(el),
                  ...names(el)});
  }
  for (const el of doc.querySelectorAll('input[type="image" i]')) {
    nonText.push({kind: "input-image", html: short(el), alt: attr(el, "alt"), hidden: hidden(el), ...names(el)});
  }
  for (const el of doc.querySelectorAll("area[href]")) {
    nonText.push({kind: "area", html: short(el), alt: attr(el, "alt"), hidden: hidden(el), ...names(el)});
  }
  for (const el of doc.querySelectorAll('svg[role="img" i], [role="img" i]:not(img):not(svg)')) {
    const svgTitle = el.querySelector(":scope > title");
    nonText.push({kind: "role-img", html: short(el), hidden: hidden(el),
                  svg_title: svgTitle ? svgTitle.textContent.trim() : null, ...names(el)});
  }
  // links and buttons whose own text is empty: image links, icon buttons (named only by alt, aria, title)
  const controls = 'a[href], button, [role="link" i], [role="button" i], input[type="button" i], input[type="submit" i], input[type="reset" i]';
  for (const el of doc.querySelectorAll(controls)) {
    const text = (el.textContent || "").trim();
    const value = el.tagName === "INPUT" ? (el.getAttribute("value") || "") : "";
    const isInput = el.tagName === "INPUT";
    if (text || (isInput && value.trim())) continue;
    if (isInput && el.type.toLowerCase() !== "button" && !el.hasAttribute("value")) continue;  // submit/reset have a default label
    const images = [...el.querySelectorAll("img, svg, [role=img], input[type=image]")];
    nonText.push({kind: el.matches('a[href], [role="link" i]') ? "link" : "button", html: short(el), hidden: hidden(el),
                  image_alts: images.map(i => (i.getAttribute("alt") || i.getAttribute("aria-label") ||
                                               (i.querySelector && i.querySelector("title") ? i.querySelector("title").textContent : "") || "").trim()),
                  has_image: images.length > 0, ...names(el)});
  }
  const animations = (doc.getAnimations ? doc.getAnimations() : []).map(a => {
    const effect = a.effect, timing = effect && effect.getComputedTiming ? effect.getComputedTiming() : {};
    const target = effect && effect.target;
    let properties = [];
    try {
      properties = [...new Set(effect.getKeyframes().flatMap(k => Object.keys(k)))]
        .filter(p => !["offset", "computedOffset", "easing", "composite"].includes(p));
    } catch (e) {}
    return {name: a.animationName || a.id || "", iterations: timing.iterations === Infinity ? "infinite" : timing.iterations,
            duration_ms: typeof timing.duration === "number" ? timing.duration : null, properties,
            play_state: a.playState, text: target ? (target.innerText || target.textContent || "").trim().slice(0, 120) : "",
            html: target ? short(target) : ""};
  });
  const fonts = new Set();
  let counted = 0;
  for (const el of doc.querySelectorAll("body, body *")) {
    if (++counted > 4000) break;
    fonts.add(getComputedStyle(el).fontFamily);
  }
  const httpEquiv = [...doc.querySelectorAll('meta[http-equiv="content-type" i]')].map(m => m.getAttribute("content"));
  return {
    lang: attr(root, "lang"), xml_lang: attr(root, "xml:lang"),
    character_set: doc.characterSet,
    meta_charsets: [...doc.querySelectorAll("meta[charset]")].map(m => m.getAttribute("charset")).concat(httpEquiv),
    viewport_metas: [...doc.querySelectorAll('meta[name="viewport" i]')].map(m => m.getAttribute("content") || ""),
    title: doc.title || "",
    text: doc.body ? doc.body.innerText : "",
    non_text: nonText,
    blinking_elements: [...doc.querySelectorAll("blink, marquee")].map(short),
    animations,
    font_families: [...fonts],
  };
}
"""

LINKS_JS = r"""
() => [...document.querySelectorAll("a[href]")].map(a => ({
  href: a.href, text: (a.innerText || a.textContent || "").trim().slice(0, 120),
  lang: a.getAttribute("lang"), hreflang: a.getAttribute("hreflang"),
  in_navigation: !!a.closest('nav, [role="navigation" i], header'),
}))
"""


def page_facts(page) -> dict:
    facts = page.evaluate(PAGE_FACTS_JS)
    facts["text"] = facts["text"][:MAX_TEXT_CHARS]
    return facts


def links(page) -> list[dict]:
    return page.evaluate(LINKS_JS)


def echo_of(page, probe: str) -> dict:
    """Where a string typed into a form comes back on the answer page, in which normal form."""
    found = page.evaluate("""() => ({values: [...document.querySelectorAll("input, textarea")].map(e => e.value),
                                     text: document.body ? document.body.innerText : ""})""")
    values = [v for v in found["values"] if v and probe in unicodedata.normalize("NFC", v)]
    as_typed = found["text"].count(probe)
    return {"values": values, "text_hits": as_typed,
            # occurrences that equal the probe only once normalised: decomposed or mixed forms
            "text_non_nfc_hits": max(0, unicodedata.normalize("NFC", found["text"]).count(probe) - as_typed)}


# --------------------------------------------------------------------------- axe-core (browser_pages)

def axe_source() -> str:
    return AXE_SOURCE_FILE.read_text(encoding="utf-8")


def run_axe(page, tags: list[str], source: str) -> dict:
    """axe-core in the page (evaluate, so a Content-Security-Policy does not block it)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    return page.evaluate("options => axe.run(document, options)",
                         {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations", "incomplete"]})


def trim_axe(result: dict) -> dict:
    """The parts of an axe result the judges read; nodes capped per rule, with their full count."""
    def rules(items: list[dict]) -> list[dict]:
        return [{"id": r["id"], "impact": r.get("impact"), "tags": r.get("tags", []), "help": r.get("help", ""),
                 "help_url": r.get("helpUrl", ""), "node_count": len(r.get("nodes", [])),
                 "nodes": [{"target": n.get("target"), "html": (n.get("html") or "")[:240],
                            "summary": (n.get("failureSummary") or "")[:400], "impact": n.get("impact")}
                           for n in r.get("nodes", [])[:MAX_NODES_PER_RULE]]} for r in items]
    return {"version": (result.get("testEngine") or {}).get("version"), "violations": rules(result.get("violations", [])),
            "incomplete": rules(result.get("incomplete", []))}


# --------------------------------------------------------------------------- focus and keyboard

STYLE_JS = """el => { const s = getComputedStyle(el); return {outline_style: s.outlineStyle, outline_width: s.outlineWidth,
  outline_color: s.outlineColor, box_shadow: s.boxShadow, border_color: s.borderColor,
  background_color: s.backgroundColor, color: s.color, text_decoration: s.textDecorationLine}; }"""

ACTIVE_JS = """() => { const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const r = el.getBoundingClientRect(), h = el.outerHTML || "";
  return {tag: el.tagName.toLowerCase(), html: h.length > 240 ? h.slice(0, 240) + "…" : h,
          href: el.getAttribute("href"), text: (el.innerText || el.value || "").trim().slice(0, 120),
          on_screen: r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth}; }"""

IN_PAGE_LINKS_JS = """() => [...document.querySelectorAll("a[href]")].filter(a => {
  const href = a.getAttribute("href") || ""; return href.length > 1 && a.hash && a.pathname === location.pathname
    && a.origin === location.origin; })"""


def style_of(locator_or_handle) -> dict:
    return locator_or_handle.evaluate(STYLE_JS)


def active_element(page) -> dict | None:
    return page.evaluate(ACTIVE_JS)


def tab_to(page, locator, limit: int = MAX_TABS) -> int | None:
    """Press Tab until `locator`'s element has the focus; the number of presses, None if never."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement || el.contains(document.activeElement)"):
            return presses
    return None


def skip_link(page, tabs: int) -> dict:
    """The first in-page link reached with Tab from the top of the page, and what Enter on it does."""
    handles = page.evaluate_handle(IN_PAGE_LINKS_JS)
    count = page.evaluate("links => links.length", handles)
    unfocused = [page.evaluate(f"links => ({STYLE_JS})(links[{i}])", handles) for i in range(count)]
    stops = []
    for _ in range(tabs):
        page.keyboard.press("Tab")
        active = active_element(page)
        stops.append(active)
        index = page.evaluate("links => links.indexOf(document.activeElement)", handles)
        if index < 0:
            continue
        focused = page.evaluate(f"() => ({STYLE_JS})(document.activeElement)")
        target = page.evaluate("() => decodeURIComponent(document.activeElement.hash.slice(1))")
        exists = page.evaluate("id => !!(document.getElementById(id) || document.getElementsByName(id)[0])", target)
        page.keyboard.press("Enter")
        try:  # the fragment navigation is part of the key press; the bound only covers a slow page
            page.wait_for_function("id => decodeURIComponent(location.hash.slice(1)) === id", arg=target,
                                   timeout=SETTLE_MS)
        except Exception:
            pass  # a skip link may move the focus by script without changing the address: judged below
        after = page.evaluate("""id => { const t = document.getElementById(id) || document.getElementsByName(id)[0];
            const a = document.activeElement;
            return {hash: decodeURIComponent(location.hash.slice(1)), focus_in_target: !!t && !!a && (t === a || t.contains(a)),
                    target_top: t ? Math.round(t.getBoundingClientRect().top) : null}; }""", target)
        page.keyboard.press("Tab")
        next_in_target = page.evaluate("""id => { const t = document.getElementById(id) || document.getElementsByName(id)[0];
            const a = document.activeElement; return !!t && !!a && t.contains(a); }""", target)
        return {"found": True, "tab_stops": stops, "link": active, "target": target, "target_exists": exists,
                "focused_style": focused, "unfocused_style": unfocused[index], **after,
                "next_tab_in_target": next_in_target}
    return {"found": False, "tab_stops": stops}


# --------------------------------------------------------------------------- phone width

WIDTH_JS = """() => {
  const root = document.documentElement, out = [];
  if (root.scrollWidth > innerWidth) {
    const clips = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX)) return true; } return false; };
    let counted = 0;
    for (const el of document.body.querySelectorAll("*")) {
      if (++counted > 5000) break;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > innerWidth + 1 && !clips(el)) {
        const h = el.outerHTML || "";
        out.push({tag: el.tagName.toLowerCase(), id: el.id || null, class: el.getAttribute("class"),
                  right: Math.round(r.right), width: Math.round(r.width), html: h.length > 160 ? h.slice(0, 160) + "…" : h});
      }
    }
    out.sort((a, b) => b.right - a.right);
  }
  return {inner_width: innerWidth, client_width: root.clientWidth, scroll_width: root.scrollWidth,
          overflowing: out.slice(0, 5)};
}"""

CONTROL_JS = """el => {
  el.scrollIntoView({block: "center", inline: "nearest"});
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const hit = document.elementFromPoint(Math.min(Math.max(x, 0), innerWidth - 1), Math.min(Math.max(y, 0), innerHeight - 1));
  const label = el.labels && el.labels.length ? el.labels[0] : null;
  return {visible: r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none",
          enabled: !el.disabled && el.getAttribute("aria-disabled") !== "true",
          box: {x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height)},
          inside_width: r.left >= -1 && r.right <= innerWidth + 1,
          reachable: !!hit && (hit === el || el.contains(hit) || (label !== null && (hit === label || label.contains(hit))))};
}"""


def width_facts(page) -> dict:
    return page.evaluate(WIDTH_JS)


def control_facts(locator) -> dict:
    if locator.count() == 0:
        return {"found": False}
    return {"found": True, **locator.first.evaluate(CONTROL_JS)}
