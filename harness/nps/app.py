"""The simulator's HTTP face (FastAPI): parse, apply faults, answer, record. Logic lives elsewhere.

One router per service, as refportal does: the national portal (routes_portal), the payment
platform (routes_payment), the SMS gateway (routes_sms) and the control API (routes_control);
what they share (reading a body, applying a fault, recording) is harness/nps/web.py. The routes
find the simulator in `app.state.sim`.
"""
from __future__ import annotations

from fastapi import FastAPI

from harness.nps import routes_control, routes_payment, routes_portal, routes_sms
from harness.nps.simulator import Simulator


def create_app(sim: Simulator) -> FastAPI:
    app = FastAPI(title="dokiem simulator services", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sim = sim
    app.middleware("http")(routes_control.control_token)
    for routes in (routes_portal, routes_payment, routes_sms, routes_control):
        app.include_router(routes.router)
    return app
