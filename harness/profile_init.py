"""`dokiem profile init`: a complete profile skeleton from the vocabulary (criteria/checks.yaml).

Every operation and journey of the vocabulary is written with what it takes and what dokiem reads
back. Given an OpenAPI description, an operation whose path and operationId look like one of the
vocabulary is proposed as its mapping, marked "to review"; the others stay as commented blocks. The
skeleton is a valid profile from the start: `dokiem profile check` then lists what is still missing.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import requests
import yaml

from harness.national import STATUS_NAMES

REVIEW = "to review — cần rà soát"
PROPOSE_AT = 0.4  # half the operation's words found, less a little for every other word
METHODS = ("get", "post", "put", "patch", "delete")
# the vocabulary's verbs that read (a GET) — every other operation changes something (POST, PUT, PATCH)
READ_VERBS = ("get", "list", "lookup", "search", "download", "print")
# words a vendor's API may use for the vocabulary's words (English and Vietnamese slugs)
SYNONYMS = {
    "dossier": {"dossier", "hoso", "ho", "so", "application", "case", "record"},
    "procedure": {"procedure", "thutuc", "thu", "tuc", "service"},
    "lookup": {"lookup", "tracuu", "tra", "cuu", "track", "public"},
    "get": {"get", "detail", "read", "show", "view"},
    "feedback": {"feedback", "phananh", "complaint"},
    "statistic": {"statistic", "stat", "thongke", "report"},
    "audit": {"audit", "nhatky"},
    "refuse": {"refuse", "reject", "decline"},
    "submit": {"submit", "create", "new", "nop"},
    "supplement": {"supplement", "bosung"},
    "result": {"result", "ketqua"},
    "my": {"my", "me", "mine"},
}
NOISE = {"api", "v1", "v2", "v3", *METHODS, "by", "the", "a", "of"}


def _words(text: str) -> list[str]:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text or "")
    return [w for w in re.split(r"[^a-zA-Z0-9]+", text.lower()) if w]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _tokens(text: str) -> set[str]:
    return {_singular(w) for w in _words(text)} - NOISE


def _identifier_inputs(inputs: list[str], name: str = "") -> list[str]:
    """Inputs that name the thing acted on (in the path); a procedure, agency or sector code is one
    only where the operation is about that thing (get_procedure), else it is a field (submit_dossier)."""
    words = set(name.split("_"))
    return [i for i in inputs if i.endswith(("_code", "_id", "_number"))
            and (i.split("_")[0] not in ("procedure", "agency", "sector") or i.split("_")[0] in words)]


def load_openapi(source: str, verify: Any = True) -> dict:
    """An OpenAPI description from a URL or a file (JSON or YAML)."""
    if re.match(r"^https?://", source):
        response = requests.get(source, timeout=30, verify=verify)
        response.raise_for_status()
        text = response.text
    else:
        text = Path(source).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or "paths" not in data:
        raise ValueError("not an OpenAPI description (no 'paths') — không phải mô tả OpenAPI")
    return data


def api_operations(doc: dict) -> list[dict]:
    rows = []
    for path, item in (doc.get("paths") or {}).items():
        for method, op in (item or {}).items():
            if method not in METHODS or not isinstance(op, dict):
                continue
            content = ((op.get("requestBody") or {}).get("content") or {})
            summary = op.get("summary") or ""
            english = summary.split(" — ", 1)[-1]  # "Vietnamese — English": the English part names it
            rows.append({"method": method.upper(), "path": path, "operation_id": op.get("operationId") or "",
                         "params": re.findall(r"\{([^}]+)\}", path), "body": next(iter(content), None),
                         "tokens": _tokens(op.get("operationId") or "") | _tokens(path) | _tokens(english)})
    return rows


def _score(name: str, meta: dict, row: dict) -> float:
    """How much an API operation looks like a vocabulary operation (0: not at all, ≥ 0.5: proposed)."""
    inputs = list(meta.get("inputs") or [])
    if row["operation_id"] and row["operation_id"].replace("-", "_").lower() == name:
        return 10.0
    verb = name.split("_")[0]
    if (row["method"] == "GET") != (verb in READ_VERBS):
        return 0.0
    if bool(_identifier_inputs(inputs, name)) != bool(row["params"]):
        return 0.0
    wanted = [t for t in (_singular(w) for w in name.split("_")) if t not in ("get", "list")]
    # the verb weighs double: "lookup" tells /lookup/{code} from /dossiers/{code}/result
    weights = [2 if n == 0 and t == _singular(verb) else 1 for n, t in enumerate(wanted)]
    found = sum(w for t, w in zip(wanted, weights) if SYNONYMS.get(t, {t}) & row["tokens"])
    if not wanted or not found:
        return 0.0
    score = found / sum(weights)
    if verb == "get" and SYNONYMS["get"] & row["tokens"]:
        score += 0.25  # "detail", "read", "view": the one item rather than something about it
    score -= 0.01 * len(row["tokens"] - set().union(*(SYNONYMS.get(t, {t}) for t in wanted)))
    if "my" not in wanted and SYNONYMS["my"] & row["tokens"]:
        score -= 0.5  # someone's own list is not the register
    if "admin" in row["tokens"] and meta.get("role") != "admin":
        score -= 0.3
    return score


def propose(name: str, meta: dict, rows: list[dict]) -> dict | None:
    """The best-looking API operation for a vocabulary operation, as a profile mapping; None if none."""
    inputs = list(meta.get("inputs") or [])
    scored = sorted(((_score(name, meta, r), i) for i, r in enumerate(rows)), reverse=True)
    if not scored or scored[0][0] < PROPOSE_AT:
        return None
    row = rows[scored[0][1]]
    ids = _identifier_inputs(inputs, name)
    path = row["path"]
    used = []
    for param in row["params"]:
        chosen = next((i for i in ids if i == param), None) or next(
            (i for i in ids if param.lower() in i or i.split("_")[0] in param.lower()), None)
        chosen = chosen or (ids[len(used)] if len(used) < len(ids) else param)
        used.append(chosen)
        path = path.replace("{" + param + "}", "${" + chosen + "}")
    mapping: dict[str, Any] = {"method": row["method"], "path": path}
    rest = [i for i in inputs if i not in used and i not in ("session",)]
    if rest and row["method"] == "GET":
        mapping["query"] = {i: "${" + i + "}" for i in rest}
    elif rest and row["body"] and "multipart" in row["body"]:
        mapping["multipart"] = {"fields": {i: "${" + i + "}" for i in rest if i != "files"},
                                **({"files": {"files": "files"}} if "files" in rest else {})}
    elif rest:
        mapping["json"] = {i: "${" + i + ("|files_b64" if i == "files" else "") + "}" for i in rest}
    returns = list(meta.get("returns") or [])
    if returns:
        mapping["returns"] = {r: r for r in returns}
    mapping["note"] = f"{REVIEW}: proposed from OpenAPI {row['method']} {row['path']} ({row['operation_id'] or 'no operationId'})"
    return mapping


# ------------------------------------------------------------------------- writing

def _flow(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _comment_block(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.splitlines()]


def _section(name: str, comment: str, lines: list[str], active: bool) -> list[str]:
    """A map whose entries may all be commented out (then it reads as an empty map)."""
    return [f"{name}:{'' if active else ' {}'}{comment}", *lines]


def skeleton(checks, edition, openapi: dict | None = None) -> str:
    """The text of a profile skeleton (YAML with comments)."""
    rows = api_operations(openapi) if openapi else []
    servers = [s.get("url") for s in (openapi or {}).get("servers") or [] if re.match(r"^https?://", s.get("url") or "")]
    portal = servers[0] if servers else "https://dichvucong.example.gov.vn"
    features = sorted({c.get("optional_feature") for c in edition.criteria} - {None})
    out = [
        "# Hồ sơ mục tiêu — target profile skeleton written by `dokiem profile init`.",
        "# Fill in the values, map the operations (the commented blocks), then loop on:",
        "#     dokiem profile check THIS_FILE",
        "# profiles/README.md explains every key; profiles/template.yaml shows them in use.",
        f"# Operations marked '{REVIEW}' were proposed from the OpenAPI description: check each.",
        "",
        "profile_version: 1",
        "id: ten-he-thong",
        "vendor: Tên đơn vị cung cấp",
        "system: Tên hệ thống",
        'version: "0.0.0"',
        "environment: staging",
        "systems: [dvc, mcdt]",
        "timezone: Asia/Ho_Chi_Minh",
        "",
        "base_urls:",
        f"  portal: {portal}",
        "",
        "accounts:                       # password_env names an environment variable; anonymous: true for a role "
        "without accounts",
    ]
    # accounts log in through the login operation: until it is mapped they stay commented out (a
    # profile whose accounts cannot log in is invalid; one without accounts is only incomplete)
    has_login = bool(rows) and propose("login", checks.operations.get("login") or {}, rows) is not None
    if not has_login:
        out[-1] = out[-1].replace("accounts:", "accounts: {}", 1) + " (uncomment once login is mapped)"
    for role in checks.roles:
        lead = "  " if has_login else "  # "
        out += [f"{lead}{role}:", f"{lead}  - {{username: thu.{role}, password_env: PW_{role.upper()}}}"]
    out += ["", 'session: {login_operation: login, token: session, header: Authorization, header_value: "Bearer ${session}"}',
            ""]
    lines, proposed = [], 0
    for name, meta in checks.operations.items():
        inputs, returns = list(meta.get("inputs") or []), list(meta.get("returns") or [])
        lines.append(f"  # {name}: {' '.join(str(meta.get('description', '')).split())}")
        lines.append(f"  #   inputs: {', '.join(inputs) or '—'}; returns: {', '.join(returns) or '—'}"
                     + (f"; role: {meta['role']}" if meta.get("role") else ""))
        mapping = propose(name, meta, rows) if rows else None
        if mapping:
            proposed += 1
            lines.append(f"  {name}:")
            lines += [f"    {key}: {_flow(value)}" for key, value in mapping.items()]
        else:
            ids = _identifier_inputs(inputs, name)
            lines += [f"  # {name}:", "  #   method: GET                  # or steps: [...] (profiles/README.md)",
                      "  #   path: /TODO" + "".join(f"/${{{i}}}" for i in ids)]
            if returns:
                lines.append(f"  #   returns: {_flow({r: 'TODO' for r in returns})}")
    out += _section("operations", "", lines, bool(proposed)) + [""]
    lines = []
    for name, meta in checks.journeys.items():
        lines += [f"  # {name}: {' '.join(str(meta.get('description', '')).split())}",
                  f"  #   returns: {', '.join(meta.get('returns') or []) or '—'}",
                  f"  # {name}:", "  #   - goto: /TODO"]
    out += _section("journeys", "   # dokiem has defaults for some (harness/default_journeys.yaml)", lines, False)
    out += ["", "status_labels:                  # your labels → national codes 1–10; a list when one label stands "
            "for several"]
    out += [f"  {_flow(label)}: {code}" for code, label in STATUS_NAMES.items()]
    out += ["", "# status_model: {implicit: {receive: on_submit}, steps_absent: []}", "",
            f"features_absent: []             # optional features of {edition.id}: {', '.join(features) or '—'}", "",
            "test_data:", "  online_procedure: TODO        # a level-4 procedure with a fee",
            "  counter_procedure: TODO", "",
            "limits: {requests_per_second: 5, request_timeout_s: 30}", ""]
    return "\n".join(out)

