"""Playwright glue and the journey runner.

Every browser dokiem drives is the Chromium harness.chromium finds. pytest-playwright owns the
`browser` fixture (one browser per worker); suites/conftest.py overrides its two argument fixtures
with the values computed here. Scenarios open a fresh context each (`BrowserSession`), which takes
a screenshot when the scenario ends or fails and keeps a Playwright trace only when no secret was
typed (docs/ARCHITECTURE.md, "Outputs and trust").

Journeys (docs/ARCHITECTURE.md, "The target profile") are named step lists from the profile, or the defaults in
default_journeys.yaml. Steps only navigate and extract. A step that cannot be done is a
configuration problem (JourneyError → ERROR) naming the journey, the step and what it looked for.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from harness import exercise
from harness.api import ConfigurationError, render
from harness import target_secrets
from harness.browser_guard import guard_context
from harness.safety import Withheld
from harness.chromium import find_chromium, launch_args

DEFAULT_JOURNEYS = Path(__file__).with_name("default_journeys.yaml")
SECRET_VARIABLES = {"password", "token", "otp"}


def launch_arguments(base: dict) -> dict:
    merged = dict(base)
    executable = find_chromium(headed=merged.get("headless") is False)
    if executable:
        merged["executable_path"] = executable
    merged["args"] = [*merged.get("args", []), *launch_args()]
    merged.setdefault("headless", True)
    return merged


def context_arguments(base: dict) -> dict:
    # TLS is judged by the tls checks with the profile's CA file; Chromium cannot take a CA file
    # without a system certificate store, so the browser itself does not refuse a private CA.
    return {**base, "ignore_https_errors": True, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


class JourneyError(ConfigurationError):
    """A journey step could not be done: the profile's journey does not fit the target's pages.

    `read` holds the variables the journey had read before the failing step (a form's pre-filled
    values are read before the form is sent, and stay observable when sending fails).
    """

    def __init__(self, message: str, read: dict | None = None):
        super().__init__(message)
        self.read = dict(read or {})


def default_journeys() -> dict[str, list]:
    return yaml.safe_load(DEFAULT_JOURNEYS.read_text(encoding="utf-8"))


def journey_steps(profile, name: str) -> list[dict]:
    steps = profile.journeys.get(name) or default_journeys().get(name)
    if not steps:
        raise ConfigurationError(f"journey '{name}' is not configured in the profile and has no default — "
                                 f"hành trình '{name}' chưa được khai báo trong journeys")
    return steps


def _describe(kind: str, spec: Any) -> str:
    if isinstance(spec, dict):
        parts = [f"{k}={v!r}" for k, v in spec.items() if k not in ("value",)]
        return f"{kind} " + ", ".join(parts)
    return f"{kind} {spec!r}"


def _all_of(page, spec: dict, variables: dict):
    """Locator of every element a step's target description matches: label, role+name, text,
    placeholder, field (the value shown beside a caption) or CSS selector."""
    exact = spec.get("exact", True)
    name = render(spec["name"], variables) if "name" in spec else None
    if "selector" in spec:
        return page.locator(render(spec["selector"], variables))
    if "label" in spec:
        return page.get_by_label(render(spec["label"], variables), exact=exact)
    if "role" in spec:
        return page.get_by_role(spec["role"], name=name, exact=exact) if name else page.get_by_role(spec["role"])
    if "placeholder" in spec:
        return page.get_by_placeholder(render(spec["placeholder"], variables), exact=exact)
    if "field" in spec:
        caption = render(spec["field"], variables)
        # <dt>caption</dt><dd>value</dd>, <th>caption</th><td>value</td>, <label>…</label><span>…</span>
        return page.locator(
            "xpath=//*[self::dt or self::th or self::label or self::span or self::strong or self::b]"
            f"[normalize-space(.)={_xpath_literal(caption)} or normalize-space(.)={_xpath_literal(caption + ':')}]"
            "/following-sibling::*[1]")
    if "text" in spec:
        return page.get_by_text(render(spec["text"], variables), exact=exact)
    raise JourneyError("a step needs label, role, text, placeholder, field or selector — bước thiếu cách tìm phần tử")


def _locator(page, spec: dict, variables: dict):
    everything = _all_of(page, spec, variables)
    return everything.nth(spec["nth"]) if "nth" in spec else everything.first


def _xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


def _files(value: Any) -> list[dict]:
    return [{"name": f["name"], "mimeType": f.get("content_type", "application/octet-stream"),
             "buffer": f["content"]} for f in (value or [])]


OVERLAY_WAIT_MS = 1500  # how long a before_each_page step waits for its element (a banner is there at once or not at all)


def before_each_page(page, profile=None) -> list[str]:
    """Do the profile's `before_each_page` steps on the page just opened (a cookie banner, a
    first-visit modal): each only where its element is there; what was done, for the log. Probes
    call it after each navigation; `profile` defaults to the one of the BrowserSession that made the page."""
    profile = profile if profile is not None else getattr(page, "_dokiem_profile", None)
    steps = (getattr(profile, "data", None) or {}).get("before_each_page") or []
    done = []
    for step in steps:
        kind, spec = next((k, v) for k, v in step.items() if k != "optional")
        try:
            locator = _locator(page, spec, {**profile.test_data})
            if not locator.count() or not _visible(locator):  # not on this page: no wait at all
                continue
            if kind == "click":
                locator.click(timeout=OVERLAY_WAIT_MS)
            elif kind == "check":
                locator.check(timeout=OVERLAY_WAIT_MS)
            else:
                continue  # navigation and form steps have no place here (the schema says so)
            done.append(f"before_each_page {_describe(kind, spec)}: ok")
        except Exception:  # the overlay went away by itself, or is not that element: nothing to do
            continue
    return done


def _visible(locator) -> bool:
    try:
        locator.wait_for(state="visible", timeout=OVERLAY_WAIT_MS)
        return True
    except Exception:
        return False


class JourneyRun:
    """Runs journeys in one page; remembers whether a secret was typed (no trace is kept then)."""

    def __init__(self, page, profile, timeout_ms: int | None = None, guard=None):
        self.page = page
        self.profile = profile
        self.guard = guard  # harness.browser_guard.RequestGuard: a refused request withholds the journey
        self.timeout_ms = timeout_ms or int(profile.limits["step_timeout_ms"])
        self.typed_secret = False
        self.log: list[str] = []

    def url(self, path: str) -> str:
        if re.match(r"^https?://", path):
            return path
        if path.startswith("backoffice:"):
            return self.profile.base_url("backoffice") + "/" + path.split(":", 1)[1].lstrip("/")
        return self.profile.base_url("portal") + "/" + path.lstrip("/")

    def run(self, name: str, /, **variables) -> dict:
        return self.run_steps(name, journey_steps(self.profile, name), **variables)

    def run_steps(self, name: str, steps: list[dict], /, **variables) -> dict:
        """Run `steps` as the journey `name` (a part of a journey, say): the name is for the log and
        the messages. Positional-only, so a journey variable may be called `name` or `steps`."""
        values = {**self.profile.test_data, **variables}
        out: dict[str, Any] = {}
        role = self._role_of(values.get("username"))
        try:
            self._run_steps(name, steps, values, out)
        except Exception:
            exercise.note_journey(name, False, self.page.url, role)
            raise
        exercise.note_journey(name, True, self.page.url, role)
        return out

    def _role_of(self, username) -> str | None:
        """The role whose account a journey logs in with (coverage credits that role), if any."""
        if not username or not hasattr(self.profile, "all_accounts"):
            return None
        return next((a.role for a in self.profile.all_accounts() if a.username == username), None)

    def _run_steps(self, name: str, steps: list[dict], values: dict, out: dict) -> None:
        for number, step in enumerate(steps, 1):
            optional = bool(step.get("optional"))
            kind, spec = next((k, v) for k, v in step.items() if k != "optional")
            try:
                self._step(kind, spec, {**values, **out}, out)
                self.log.append(f"{name} #{number} {_describe(kind, spec)}: ok")
                if self.guard is not None:
                    self.guard.check()
            except Withheld:
                raise
            except JourneyError as exc:
                raise JourneyError(str(exc), {**out, **exc.read}) from None
            except Exception as exc:  # Playwright timeouts and errors: the journey does not fit the page
                if self.guard is not None:
                    self.guard.check()  # a step that failed because a write was refused is withheld
                self.log.append(f"{name} #{number} {_describe(kind, spec)}: {type(exc).__name__}")
                if optional:
                    continue
                first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise JourneyError(
                    f"journey '{name}', step {number} ({_describe(kind, spec)}) failed at {self.page.url}: "
                    f"{first_line} — hành trình '{name}' bước {number} không thực hiện được; "
                    "check the profile's journey against the target's pages", out) from None

    def _step(self, kind: str, spec: Any, variables: dict, out: dict) -> None:
        page, timeout = self.page, self.timeout_ms
        if kind == "goto":
            page.goto(self.url(render(spec, variables)), timeout=timeout, wait_until="domcontentloaded")
            before_each_page(page, self.profile)
        elif kind == "fill":
            value = render(spec["value"], variables)
            if spec.get("secret") or any(v in SECRET_VARIABLES for v in re.findall(r"\$\{(\w+)", spec["value"])):
                self.typed_secret = True
            _locator(page, spec, variables).fill("" if value is None else str(value), timeout=timeout)
        elif kind == "select":
            value = str(render(spec["value"], variables))
            locator = _locator(page, spec, variables)
            try:
                locator.select_option(value=value, timeout=timeout)
            except Exception:
                locator.select_option(label=value, timeout=timeout)
        elif kind == "upload":
            _locator(page, spec, variables).set_input_files(_files(render(spec["files"], variables)), timeout=timeout)
        elif kind == "click":
            _locator(page, spec, variables).click(timeout=timeout)
        elif kind == "check":
            _locator(page, spec, variables).check(timeout=timeout)
        elif kind == "wait_for":
            if "url" in spec:
                page.wait_for_url(re.compile(render(spec["url"], variables)), timeout=timeout)
            else:
                _locator(page, spec, variables).wait_for(state=spec.get("state", "visible"), timeout=timeout)
        elif kind == "read":
            out[spec["var"]] = self._read(spec, variables)
        else:
            raise JourneyError(f"unknown step kind '{kind}' — loại bước không hợp lệ")

    def _read(self, spec: dict, variables: dict) -> Any:
        source = spec.get("from", "text")
        if source == "url":
            matches, values = [], [self.page.url]
        else:
            if spec.get("all"):
                matches = _all_of(self.page, spec, variables).all()
            else:
                locator = _locator(self.page, spec, variables)
                locator.wait_for(state="attached", timeout=self.timeout_ms)
                matches = [locator]
            values = []
        for match in matches:
            if "attribute" in spec:
                values.append(match.get_attribute(spec["attribute"], timeout=self.timeout_ms))
            elif source == "value":
                values.append(match.input_value(timeout=self.timeout_ms))
            else:
                values.append(" ".join(match.inner_text(timeout=self.timeout_ms).split()))
        if spec.get("pattern"):
            picked = []
            for value in values:
                found = re.search(spec["pattern"], value or "")
                if found is None:
                    raise JourneyError(f"read '{spec['var']}': {value!r} does not match {spec['pattern']!r} — "
                                       "giá trị đọc được không khớp mẫu")
                picked.append(found.group(1) if found.groups() else found.group(0))
            values = picked
        return values if spec.get("all") else (values[0] if values else None)


class BrowserSession:
    """A fresh browser context for one scenario, with its evidence (docs/ARCHITECTURE.md, "Scenarios")."""

    def __init__(self, browser, profile, evidence, name: str, viewport: dict | None = None,
                 storage_state: Path | None = None, traffic=None):
        self.browser, self.profile, self.evidence, self.name = browser, profile, evidence, name
        args = context_arguments({})
        if viewport:
            args["viewport"] = viewport
        if storage_state:
            args["storage_state"] = str(storage_state)
        self.context = browser.new_context(**args)
        self.context.set_default_timeout(int(profile.limits["step_timeout_ms"]))
        self.guard = guard_context(self.context, profile, traffic)  # traffic: the run's (harness/traffic.py)
        self.context.tracing.start(screenshots=True, snapshots=True)
        self.page = self.context.new_page()
        self.page._dokiem_profile = profile  # for before_each_page after a probe's own navigation
        self.journeys = JourneyRun(self.page, profile, guard=self.guard)
        self.console_errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))
        # cookies and anti-forgery tokens the target sets are secrets: registered before anything is written
        self.redactor = getattr(getattr(evidence, "store", None), "redactor", None)
        if self.redactor is not None:
            self.context.on("response", self._register_secrets)

    def _register_secrets(self, response) -> None:
        headers = [(k, line) for k, v in response.headers.items() for line in str(v).split("\n")]
        self.redactor.add(*target_secrets.in_response(headers, None))

    def journey(self, name: str, /, **variables) -> dict:
        return self.journeys.run(name, **variables)

    def screenshot(self, label: str) -> str | None:
        try:
            return self.evidence.write_bytes(f"{label}.png", self.page.screenshot(full_page=True))
        except Exception:
            return None

    def close(self, failed: bool = False) -> None:
        self.screenshot("failure" if failed else "end")
        if self.guard.refused:
            self.evidence.write_text("refused-requests.txt", "\n".join(self.guard.refused))
        if self.redactor is not None:
            try:
                self.redactor.add(*target_secrets.in_cookies(self.context.cookies()),
                                  *target_secrets.in_html(self.page.content()))
            except Exception:  # a closed or crashed page: what was registered so far stays
                pass
        try:
            if self.journeys.typed_secret:
                self.context.tracing.stop()  # a typed secret could show in the trace's snapshots: keep none
            else:
                path = self.evidence.path_for("trace.zip")
                self.context.tracing.stop(path=str(path))
                self.evidence.register(path)
        finally:
            self.context.close()

    def __enter__(self) -> "BrowserSession":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(failed=exc_type is not None)
