"""How api_probe drives the target: the answers of its public data operations (list_procedures,
get_procedure for the run's sample, lookup_dossier of a well-formed but unknown dossier code)
kept byte for byte, and its published API description (get_api_description), with the list of
operations the profile maps. Nothing here judges.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from harness.api import ConfigurationError
from harness.national import VIETNAM
from harness.judging import now_iso
from suites.catalogue.observe import draw_sample, list_catalogue

MAX_BODY = 500_000         # bytes of one data answer kept for the judges
MAX_DESCRIPTION = 3_000_000
UNKNOWN_SEQUENCE = "9999"  # no office receives 9,999 dossiers a day
UNKNOWN_OLD_DAY = dt.date(2000, 1, 1)  # before any one-stop-shop system existed


def answer(operation: str, result, inputs: dict | None = None, limit: int = MAX_BODY) -> dict:
    """What the operation answered, the body as text when it is UTF-8 (else its first bytes in hex)."""
    body = result.content[:limit]
    try:
        text, utf8_error = body.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        text, utf8_error = None, str(exc)
    return {"operation": operation, "inputs": inputs or {}, "url": result.url, "status": result.status,
            "ok": result.ok, "error": result.error or None, "content_type": result.headers.get("Content-Type")
            or result.headers.get("content-type"), "bytes": len(result.content), "truncated": len(result.content) > limit,
            "body": text, "utf8_error": utf8_error, "head_hex": None if text is not None else body[:64].hex(),
            "vars": {k: v for k, v in result.vars.items() if isinstance(v, (str, int, float, bool, type(None)))}}


def call(client, operation: str, errors: list, **inputs) -> dict | None:
    try:
        return answer(operation, client.call(operation, **inputs), inputs)
    except ConfigurationError as exc:
        errors.append(f"{operation}: {exc}")
        return None


def unknown_codes(agency_code: str | None, today: dt.date) -> list[str]:
    """Dossier codes in the TT 01/2018 Điều 19 form <agency>-<YYMMDD>-<NNNN> that no office issued:
    today's number 9999, and a number of 1 January 2000."""
    agency = agency_code or "000.00.00.H00"
    return [f"{agency}-{today:%y%m%d}-{UNKNOWN_SEQUENCE}", f"{agency}-{UNKNOWN_OLD_DAY:%y%m%d}-0001"]


def profile_operations(profile) -> list[dict]:
    """Every operation the profile maps onto the target's API, as the API description must show it."""
    from harness.profile_steps import requests_of  # steps and per-role variants: every request sent

    out = []
    for name, spec in [one for op, whole in sorted(profile.operations.items()) for one in requests_of(op, whole)]:
        path = str(spec.get("path", ""))
        if re.match(r"^https?://", path):
            base_path, path_only = "", urlsplit(path).path
        else:
            base_path, path_only = urlsplit(profile.base_url(spec.get("base", "api"))).path.rstrip("/"), path
        out.append({"name": name, "method": str(spec.get("method", "GET")).upper(),
                    "path": base_path + "/" + path_only.split("?", 1)[0].lstrip("/")})
    return out


def observe(scenario, run_id: str) -> dict:
    observations = {"run_id": run_id, "started": now_iso(), "finished": None, "errors": [], "answers": [],
                    "unknown_lookups": [], "api_description": None}
    client = scenario.client(None)
    errors = observations["errors"]
    first = call(client, "list_procedures", errors)
    if first:
        observations["answers"].append(first)
    catalogue = list_catalogue(client)
    chosen = draw_sample(catalogue, scenario, run_id)
    for proc in chosen:
        got = call(client, "get_procedure", errors, procedure_code=proc["code"])
        if got:
            observations["answers"].append(got)
    pattern = scenario.parameter("dossier.code_pattern")
    agency = next((p.get("agency_code") for p in chosen if p.get("agency_code")), None)
    for code in unknown_codes(agency, dt.datetime.now(VIETNAM).date()):
        lookup = {"code": code, "well_formed": bool(re.fullmatch(pattern, code)), "answer": None}
        if lookup["well_formed"]:
            lookup["answer"] = call(client, "lookup_dossier", errors, dossier_code=code)
        observations["unknown_lookups"].append(lookup)
    observations["code_pattern"] = pattern
    try:
        result = client.call("get_api_description")
        observations["api_description"] = answer("get_api_description", result, limit=MAX_DESCRIPTION)
    except ConfigurationError as exc:
        errors.append(f"get_api_description: {exc}")
    observations["profile_operations"] = [op for op in profile_operations(scenario.profile)
                                          if op["name"] != "get_api_description"]
    observations["finished"] = now_iso()
    return observations
