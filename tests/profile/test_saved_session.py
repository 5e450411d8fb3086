"""`dokiem profile login --save-state`: a session recorded once and used by the profile's
storage_state; an expired one is refused before any run, naming the command that records it again.
End to end against a real refportal: the saved cookies open the citizen's own dossiers."""
from __future__ import annotations

import json
import stat
import subprocess
import sys
import time

import pytest
import requests
import yaml

from harness.saved_session import expired
from tests.campaign.refportals import RefportalFleet
from tests.defects.matrix import REPO

DAY = 86400


def state(*expiries: float, local_storage: bool = False) -> dict:
    return {"cookies": [{"name": f"c{i}", "value": "v", "domain": "127.0.0.1", "path": "/", "expires": e}
                        for i, e in enumerate(expiries)],
            "origins": [{"origin": "https://127.0.0.1", "localStorage": [{"name": "t", "value": "x"}]}]
            if local_storage else []}


@pytest.mark.parametrize("saved, why", [
    (state(time.time() + DAY), None),                        # live
    (state(-1), None),                                       # a session cookie: as long as the browser
    (state(time.time() - DAY, time.time() + DAY), None),     # one still live
    (state(time.time() - DAY, local_storage=True), None),    # a token in local storage: cannot tell
    (state(time.time() - DAY, time.time() - 2 * DAY), "expired on"),
    (state(), "nobody was logged in"),
    ({"origins": []}, "no 'cookies' list"),
])
def test_a_saved_session_is_expired_only_when_every_cookie_is(tmp_path, saved, why):
    path = tmp_path / "state.json"
    path.write_text(json.dumps(saved), encoding="utf-8")
    found = expired(path)
    assert (found is None) if why is None else (why in found)


def profile_check(profile) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli", "profile", "check", str(profile), "--offline"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def test_an_expired_saved_session_is_refused_naming_the_command_that_records_it_again(tmp_path):
    data = yaml.safe_load((REPO / "profiles" / "refportal.yaml").read_text(encoding="utf-8"))
    data["tls"].pop("ca_file", None)
    (tmp_path / "citizen.json").write_text(json.dumps(state(time.time() - DAY)), encoding="utf-8")
    data["accounts"]["citizen"][0]["storage_state"] = "citizen.json"
    profile = tmp_path / "target.yaml"
    profile.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = profile_check(profile)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "citizen.json: the saved session expired on" in done.stdout
    assert "dokiem profile login target.yaml --role citizen --index 0 --save-state citizen.json" in done.stdout


@pytest.mark.slow
@pytest.mark.browser
def test_profile_login_saves_a_session_that_opens_the_citizens_own_dossiers(tmp_path):
    fleet = RefportalFleet(tmp_path / "fleet")
    try:
        profile = fleet.target("login")
        saved = tmp_path / "sessions" / "congdan1.json"
        done = subprocess.run([sys.executable, "-m", "harness.cli", "profile", "login", str(profile), "--role",
                               "citizen", "--save-state", str(saved), "--headless"], cwd=REPO, env=fleet.environ(),
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "storage_state:" in done.stdout
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600, "a live session is readable by its owner only"
        cookies = {c["name"]: c["value"] for c in json.loads(saved.read_text(encoding="utf-8"))["cookies"]}
        portal = fleet.portals["login"].ready
        mine = requests.get(portal["url"] + "/api/me/dossiers", cookies=cookies, verify=portal["ca_file"], timeout=30)
        assert mine.status_code == 200, mine.text
        anonymous = requests.get(portal["url"] + "/api/me/dossiers", verify=portal["ca_file"], timeout=30)
        assert anonymous.status_code == 401  # the saved cookies, not the address, opened it
        assert expired(saved) is None
        wrong = subprocess.run([sys.executable, "-m", "harness.cli", "profile", "login", str(profile), "--role",
                                "citizen", "--index", "5", "--save-state", str(tmp_path / "none.json"), "--headless"],
                               cwd=REPO, env=fleet.environ(), capture_output=True, text=True, timeout=180)
        assert wrong.returncode == 2 and "no account 6 of role 'citizen'" in wrong.stderr
        assert not (tmp_path / "none.json").exists()
    finally:
        fleet.close()
