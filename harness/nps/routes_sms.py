"""The SMS gateway's route: /sms/send {to, message, sender}."""
from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request

from harness.nps import clock
from harness.nps.validation import nfc_problems
from harness.nps.web import SIMULATED, read_json, respond

router = APIRouter()


def _sms_problems(body: Any) -> list[dict]:
    if not isinstance(body, dict):
        return [{"kind": "schema", "rule": "type", "path": "$",
                 "message": "thân yêu cầu phải là đối tượng JSON {to, message, sender} — body must be a JSON object"}]
    problems = []
    for name in ("to", "message"):
        value = body.get(name)
        if not isinstance(value, str) or not value:
            problems.append({"kind": "schema", "rule": "required", "path": f"$.{name}",
                             "message": f"'{name}' phải là chuỗi không rỗng — '{name}' must be a non-empty string"})
    if "sender" in body and not isinstance(body["sender"], str):
        problems.append({"kind": "schema", "rule": "type", "path": "$.sender",
                         "message": "'sender' phải là chuỗi — 'sender' must be a string"})
    return problems


@router.post("/sms/send")
async def sms(request: Request):
    arrived = clock.now()
    body, problems = await read_json(request)
    refusals = problems or _sms_problems(body)  # NFC problems are recorded, never refused
    problems = refusals + (nfc_problems(body) if not problems else [])

    def compute():
        if refusals:
            return {"status": "error", "message": refusals[0]["message"]}, 400
        return {"status": "ok", "id": uuid.uuid4().hex[:16]}, 200

    return await respond(request, "sms", "sms", body, problems, arrived, compute,
                         lambda f: {"status": "error", "error_code": f.code, "message": f.message or SIMULATED})
