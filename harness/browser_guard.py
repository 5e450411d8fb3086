"""What the browser may send: production safety and the rate limit, through Playwright routing.

Every request of a browser context dokiem drives goes through one route handler. On production
without the `mutates` authorisation anything but GET and HEAD (a form post, a fetch that deletes)
is aborted before it leaves and remembered, so the journey that caused it ends as ERROR (withheld)
with the refusal in its evidence. Requests to the target's hosts wait their turn on the same rate
limiter as the API clients of the run (its traffic, harness/traffic.py), so the browser and the API
together keep to `limits.requests_per_second`.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from harness.profile import target_hosts
from harness.safety import READ_METHODS, Withheld, refusal
from harness.traffic import Traffic

BROWSER_READ_METHODS = READ_METHODS - {"OPTIONS"}  # a CORS preflight precedes a write: it goes with it


class RequestGuard:
    def __init__(self, profile, traffic: Traffic | None = None):
        self.profile = profile
        self.limiter = (traffic or Traffic(profile)).limiter
        self.hosts = target_hosts(profile)
        self.bypass = profile.bypass_headers() if hasattr(profile, "bypass_headers") else {}
        self.refused: list[str] = []

    def install(self, context) -> "RequestGuard":
        context.route("**/*", self._handle)
        return self

    def _handle(self, route, request) -> None:
        method = request.method.upper()
        if method not in BROWSER_READ_METHODS:
            reason = refusal(self.profile, "change", f"browser {method} {request.url}")
            if reason:
                self.refused.append(reason)
                route.abort("blockedbyclient")
                return
        if urlsplit(request.url).netloc in self.hosts:
            self.limiter.wait()
            if self.bypass:  # the staging bypass goes to the target's own hosts only, never to a third party
                route.continue_(headers={**request.headers, **self.bypass})
                return
        route.continue_()

    def check(self) -> None:
        """Raise Withheld when something was refused: what the journey saw is not the target's answer."""
        if self.refused:
            raise Withheld("; ".join(self.refused[:3]) + (f" (+{len(self.refused) - 3})" if len(self.refused) > 3 else ""))


def guard_context(context, profile, traffic: Traffic | None = None) -> RequestGuard:
    """Install the guard on a context once; the same guard is returned on later calls. `traffic`:
    the run's (None outside a run: the context keeps to a rate limit of its own)."""
    guard = getattr(context, "_dokiem_guard", None)
    if guard is None:
        guard = RequestGuard(profile, traffic).install(context)
        context._dokiem_guard = guard
    return guard
