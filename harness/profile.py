"""Load and validate a target profile (docs/ARCHITECTURE.md, "The target profile"); what the pre-flight and the scenarios read.

Two layers, as for criteria: the JSON Schema criteria/schema/profile.schema.json, then meaning
against the edition and criteria/checks.yaml (operations and journeys of the vocabulary, known
optional features, parameters the edition lets a profile lower, files that exist). Every problem
names file:line:column and says what to do; all are raised together.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import criteria, saved_session
from harness.files import file_sha256
from harness.selection import SAFETY_FLAGS
from harness.profile_hazards import profile_hazards
from harness.profile_language import language_problems
from harness.yamlsource import InputError, Problem, SourceFile, load_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
EXTRA_PREFIX = "x_"  # operations and journeys outside the vocabulary must say so, so typos are caught


@dataclass
class Account:
    role: str
    index: int
    username: str
    password_env: str | None = None
    token_env: str | None = None
    storage_state: Path | None = None
    reserved_for: str | None = None
    known: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False  # the role acts without an account (citizens of a portal with no login)

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None

    @property
    def token(self) -> str | None:
        return os.environ.get(self.token_env) if self.token_env else None

    @property
    def label(self) -> str:
        return f"{self.role}[{self.index}] {self.username or 'anonymous'}"


@dataclass
class Profile:
    path: Path
    data: dict
    sha256: str
    source: SourceFile | None = None
    overrides: dict = field(default_factory=dict)  # values a --demo run sets (base URLs, CA file)
    roles: tuple[str, ...] = ()  # the vocabulary's roles, in order (criteria/checks.yaml `roles:`)
    applicant_roles: tuple[str, ...] = ()  # who applies for services (checks.yaml `applicant_roles:`)
    # operation -> its criteria/checks.yaml entry (effect, role, leads_to, inputs…)
    vocabulary: dict = field(default_factory=dict)

    # ---------------------------------------------------------------- identity
    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def environment(self) -> str:
        return self.data["environment"]

    @property
    def authorisation(self) -> dict | None:
        return self.data.get("authorisation")

    def allowed_flags(self) -> list[str]:
        """Safety flags this run may exercise (docs/ARCHITECTURE.md, "The target profile"): all on staging, the authorised ones on production."""
        if self.environment != "production":
            return list(SAFETY_FLAGS)
        return [f for f in SAFETY_FLAGS if f in (self.authorisation or {}).get("allows", [])]

    def summary(self) -> dict:
        """What the record says about the target."""
        return {
            "id": self.id, "vendor": self.data["vendor"], "system": self.data["system"],
            "version": self.data["version"], "environment": self.environment,
            "systems": list(self.data["systems"]), "base_urls": self.base_urls(),
            "profile_path": str(self.path), "profile_sha256": self.sha256,
            "features_absent": sorted(self.features_absent), "authorisation": self.authorisation,
            "allowed_flags": self.allowed_flags(),
        }

    # ---------------------------------------------------------------- where and how
    def base_urls(self) -> dict[str, str]:
        urls = dict(self.data["base_urls"])
        urls.update(self.overrides.get("base_urls", {}))
        urls.setdefault("backoffice", urls["portal"])
        urls.setdefault("api", urls["portal"])
        return {k: v.rstrip("/") for k, v in urls.items()}

    def base_url(self, which: str = "api") -> str:
        return self.base_urls()[which]

    @property
    def ca_file(self) -> Path | None:
        if "ca_file" in self.overrides:
            return Path(self.overrides["ca_file"])
        ca = (self.data.get("tls") or {}).get("ca_file")
        return (self.path.parent / ca).resolve() if ca else None

    @property
    def verify_tls(self) -> bool | str:
        """What requests takes as `verify`: the CA file, True (system roots) or False."""
        if not (self.data.get("tls") or {}).get("verify", True):
            return False
        return str(self.ca_file) if self.ca_file else True

    def accounts(self, role: str) -> list[Account]:
        rows = (self.data.get("accounts") or {}).get(role) or []
        return [Account(role, i, row.get("username"), row.get("password_env"), row.get("token_env"),
                        (self.path.parent / row["storage_state"]) if row.get("storage_state") else None,
                        row.get("reserved_for"), dict(row.get("known") or {}), bool(row.get("anonymous")))
                for i, row in enumerate(rows)]

    def account(self, role: str, index: int = 0, reserved_for: str | None = None) -> Account | None:
        """The index-th account of a role that is free for general use (or reserved for `reserved_for`)."""
        usable = [a for a in self.accounts(role) if a.reserved_for == reserved_for]
        return usable[index] if index < len(usable) else None

    def all_accounts(self) -> list[Account]:
        # a profile built without the vocabulary (a unit test's) lists its accounts in its own order
        return [a for role in self.roles or tuple(self.data.get("accounts") or {}) for a in self.accounts(role)]

    def bypass_headers(self) -> dict[str, str]:
        """The staging bypass's headers (a CAPTCHA's, say) with their values from the environment;
        a header whose variable is not set is left out (the pre-flight names it)."""
        wanted = (self.data.get("staging_bypass") or {}).get("headers_env") or {}
        return {name: os.environ[var] for name, var in wanted.items() if os.environ.get(var)}

    def secrets(self) -> list[str]:
        """Every secret value this profile gives the run (for redaction)."""
        values = list(self.bypass_headers().values())
        for account in self.all_accounts():
            values += [account.password, account.token]
        return [v for v in values if v]

    @property
    def session(self) -> dict:
        return {"login_operation": "login", **(self.data.get("session") or {})}

    # ---------------------------------------------------------------- vocabulary
    @property
    def operations(self) -> dict[str, dict]:
        return self.data.get("operations") or {}

    @property
    def journeys(self) -> dict[str, list]:
        return self.data.get("journeys") or {}

    @property
    def status_labels(self) -> dict[str, int | list[int]]:
        return dict(self.data["status_labels"])

    def status_codes(self, label: str | None) -> list[int]:
        """National codes 1-10 a vendor label stands for (exact, then whitespace/case-insensitive);
        a vendor state may stand for several national codes."""
        if label is None:
            return []
        labels = self.status_labels
        found = labels.get(label)
        if found is None:
            wanted = " ".join(str(label).split()).casefold()
            found = next((code for known, code in labels.items() if " ".join(known.split()).casefold() == wanted), None)
        if found is None:
            return []
        return list(found) if isinstance(found, list) else [found]

    def status_code(self, label: str | None, expected: int | None = None) -> int | None:
        """National code of a vendor label, or None. A label that stands for several codes reads as
        `expected` when it is one of them (the step just taken), else as the first."""
        codes = self.status_codes(label)
        if not codes:
            return None
        return expected if expected in codes else codes[0]

    @property
    def status_model(self) -> dict:
        return self.data.get("status_model") or {}

    def step_absent(self, step: str) -> bool:
        """A national step the target does not have: the dossier's life goes on past it."""
        return step in (self.status_model.get("steps_absent") or [])

    def implicit_step(self, step: str) -> str | None:
        """When a step the target takes by itself happens (`implicit: {receive: on_submit}`), else None."""
        return (self.status_model.get("implicit") or {}).get(step)

    @property
    def timezone(self) -> str:
        """The target's time zone (IANA name): naive times it gives or takes are in it."""
        return self.data.get("timezone") or "Asia/Ho_Chi_Minh"

    @property
    def fixtures(self) -> dict[str, Any]:
        return self.data.get("fixtures") or {}

    @property
    def features_absent(self) -> set[str]:
        return set(self.data.get("features_absent") or [])

    @property
    def holidays(self) -> list[str]:
        return list(self.data.get("holidays") or [])

    @property
    def test_data(self) -> dict:
        return self.data.get("test_data") or {}

    @property
    def limits(self) -> dict:
        return {"requests_per_second": 20, "request_timeout_s": 30, "step_timeout_ms": 10000, "max_response_mb": 20,
                **(self.data.get("limits") or {})}

    @property
    def simulator(self) -> dict:
        return self.data.get("simulator") or {}

    def lowered_parameters(self, edition: criteria.Edition) -> dict[str, dict]:
        return {name: {"edition": edition.parameter(name), "profile": value}
                for name, value in (self.data.get("parameters") or {}).items()}

    def parameter(self, edition: criteria.Edition, name: str) -> Any:
        """An edition parameter as this run uses it: the profile's lowering where allowed."""
        lowered = self.data.get("parameters") or {}
        return lowered[name] if name in lowered else edition.parameter(name)


# ------------------------------------------------------------------------- loading

def target_hosts(profile) -> set[str]:
    """host[:port] of each base URL of the profile: what counts as "on the target"."""
    return {urlsplit(url).netloc for url in profile.base_urls().values()}


def _subject(path: tuple) -> str:
    names = [str(p) for p in path[:3]]
    return ".".join(names) if names else ""


def load_profile(path: Path, edition: criteria.Edition, checks: criteria.CheckRegistry,
                 criteria_dir: Path, check_files: bool = True) -> Profile:
    """Load, validate and return a profile; raise InputError listing every problem.

    check_files=False skips the CA file's existence (a --demo run replaces it with its own).
    """
    path = Path(path)
    source = load_yaml(path)
    validator = criteria.schema_validator(str(criteria.schema_path(criteria_dir, "profile")))
    problems = criteria.schema_problems(source, validator, _subject)
    problems += criteria.nfc_problems(source, _subject)
    if not problems:
        problems += _meaning_problems(source, edition, checks, check_files)
        problems += profile_hazards(source, edition, checks.operations)
    if problems:
        raise InputError(problems)
    return Profile(path.resolve(), source.data, file_sha256(path), source, roles=tuple(checks.roles),
                   applicant_roles=tuple(checks.applicant_roles), vocabulary=dict(checks.operations))


def _meaning_problems(source: SourceFile, edition: criteria.Edition, checks: criteria.CheckRegistry,
                      check_files: bool = True) -> list[Problem]:
    data = source.data
    problems: list[Problem] = []

    def problem(path: tuple, message: str, prefer_key: bool = True) -> None:
        problems.append(source.problem(path, _subject(path), message, prefer_key=prefer_key))

    for name in data.get("operations") or {}:
        if name not in checks.operations and not name.startswith(EXTRA_PREFIX):
            problem(("operations", name),
                    f"unknown operation '{name}' — thao tác '{name}' không có trong từ vựng criteria/checks.yaml; "
                    f"use one of its names or prefix an extra operation with '{EXTRA_PREFIX}'")
    for name in data.get("journeys") or {}:
        if name not in checks.journeys and not name.startswith(EXTRA_PREFIX):
            problem(("journeys", name),
                    f"unknown journey '{name}' — hành trình '{name}' không có trong từ vựng criteria/checks.yaml "
                    f"(known: {', '.join(sorted(checks.journeys))}); prefix an extra journey with '{EXTRA_PREFIX}'")
    operations = data.get("operations") or {}
    login = (data.get("session") or {}).get("login_operation", "login")
    uses_password = any(row.get("password_env") for rows in (data.get("accounts") or {}).values() for row in rows)
    scheme = (data.get("session") or {}).get("scheme", "bearer")
    if uses_password and scheme != "basic" and login not in operations:
        problem(("session",) if "session" in data else ("accounts",),
                f"accounts log in with passwords but operation '{login}' is not defined — "
                f"chưa khai báo thao tác đăng nhập '{login}' trong operations")
    for role, rows in (data.get("accounts") or {}).items():
        for i, row in enumerate(rows):
            if not (row.get("password_env") or row.get("token_env") or row.get("storage_state") or row.get("anonymous")):
                problem(("accounts", role, i),
                        "an account needs password_env, token_env or storage_state — tài khoản cần "
                        "password_env, token_env hoặc storage_state (secrets never go in the profile)", prefer_key=False)
            if row.get("storage_state") and not (source.path.parent / row["storage_state"]).is_file():
                problem(("accounts", role, i, "storage_state"),
                        f"file not found: {row['storage_state']} — không tìm thấy tệp storage_state "
                        "(relative to the profile)", prefer_key=False)
            elif row.get("storage_state") and (why := saved_session.expired(source.path.parent / row["storage_state"])):
                problem(("accounts", role, i, "storage_state"),
                        f"{row['storage_state']}: {why} — phiên đăng nhập đã lưu không dùng được nữa; record it again: "
                        f"dokiem profile login {source.path.name} --role {role} --index {i} --save-state "
                        f"{row['storage_state']}", prefer_key=False)
    for i, step in enumerate(data.get("before_each_page") or []):
        kinds = [k for k in step if k != "optional"] if isinstance(step, dict) else []
        if kinds and kinds[0] not in ("click", "check"):
            problem(("before_each_page", i, kinds[0]),
                    f"'{kinds[0]}' has no place in before_each_page: only click and check steps dismiss a banner or "
                    "a modal — chỉ dùng bước click hoặc check", prefer_key=True)
    if data.get("staging_bypass") and data.get("environment") == "production":
        problem(("staging_bypass",), "a CAPTCHA bypass belongs to a staging system, and environment is production — "
                "cổng thật không được có đường vượt CAPTCHA; remove staging_bypass or point the profile at staging",
                prefer_key=True)
    ca = (data.get("tls") or {}).get("ca_file")
    if ca and check_files and not (source.path.parent / ca).is_file():
        problem(("tls", "ca_file"), f"CA file not found: {ca} — không tìm thấy tệp CA (relative to the profile)",
                prefer_key=False)
    probe = (data.get("session") or {}).get("probe")
    if probe and probe not in operations:
        problem(("session", "probe"), f"session.probe names operation '{probe}', which is not defined — "
                "thao tác kiểm tra phiên chưa được khai báo", prefer_key=False)
    for name, fixture in (data.get("fixtures") or {}).items():
        if isinstance(fixture, dict) and fixture["operation"] not in operations:
            problem(("fixtures", name, "operation"),
                    f"fixture '{name}' uses operation '{fixture['operation']}', which is not defined — "
                    "thao tác của fixture chưa được khai báo trong operations", prefer_key=False)
    known_features = {c.get("optional_feature") for c in edition.criteria} - {None}
    for i, feature in enumerate(data.get("features_absent") or []):
        if feature not in known_features:
            problem(("features_absent", i),
                    f"unknown optional feature '{feature}' — tính năng tùy chọn không có trong phiên bản "
                    f"{edition.id} (known: {', '.join(sorted(known_features))})", prefer_key=False)
    for name, value in (data.get("parameters") or {}).items():
        meta = edition.parameters.get(name)
        if meta is None:
            problem(("parameters", name), f"unknown parameter '{name}' — không có tham số này trong phiên bản {edition.id}")
        elif not meta.get("profile_may_lower"):
            problem(("parameters", name),
                    f"the edition does not let a profile change '{name}' — phiên bản {edition.id} không cho "
                    "cấu hình đích thay đổi tham số này; remove it")
        elif not isinstance(value, (int, float)) or not isinstance(meta["value"], (int, float)) or value > meta["value"]:
            problem(("parameters", name),
                    f"'{name}' may only be lowered (edition value {meta['value']} {meta.get('unit', '')}) — "
                    "chỉ được giảm, không được tăng", prefer_key=False)
    for path, message in language_problems(data):
        problem(path, message)
    for i, label in enumerate(data.get("status_labels") or {}):
        if not str(label).strip():
            problem(("status_labels", label), "empty status label — nhãn trạng thái rỗng")
    return problems


def sha256_json(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
