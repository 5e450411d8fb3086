"""Attestations and waivers are bound to edition, target, version, dates and evidence hashes."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from harness.attestations import load_attestations
from harness.yamlsource import InputError

from reportkit import TODAY

TARGET = {"id": "cong-dvc-b", "vendor": "Công ty Cổ phần A", "system": "Cổng DVC tỉnh B", "version": "2.3.1"}
PICTURE = b"\x89PNG\r\n\x1a\n fake screenshot of the statement"


def write(tmp_path: Path, body: str, evidence: bytes = PICTURE) -> Path:
    (tmp_path / "bang-chung").mkdir(exist_ok=True)
    (tmp_path / "bang-chung" / "gen-01.png").write_bytes(evidence)
    digest = hashlib.sha256(PICTURE).hexdigest()
    path = tmp_path / "attestations.yaml"
    path.write_text(body.replace("{SHA}", digest), encoding="utf-8")
    return path


VALID = """\
edition: mini
target:
  vendor: Công ty Cổ phần A
  system: Cổng DVC tỉnh B
  version: "2.3.1"
attestations:
  - criterion: GEN-01
    result: pass
    tester: Nguyễn Văn An
    date: 2026-03-02
    expiry: 2027-03-02
    note: Đã xem bản thuyết minh.
    evidence:
      - {path: bang-chung/gen-01.png, sha256: {SHA}}
  - criterion: HS-06
    result: fail
    tester: Nguyễn Văn An
    date: 2026-03-02
    expiry: 2026-04-02
    evidence:
      - {path: bang-chung/gen-01.png, sha256: {SHA}}
waivers:
  - criterion: HS-01
    reason: Mã cơ quan đang chờ cấp theo QCVN 102.
    by: Trần Thị Bình, Sở TT&TT
    date: 2026-03-01
    expiry: 2026-06-30
    reference: Công văn 12/STTTT-CNTT
"""


def problems(path, edition, target=TARGET, today=TODAY) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_attestations(path, edition, target, today=today)
    return [str(p) for p in exc.value.problems]


def test_a_valid_file_binds_attestations_and_waivers(tmp_path, edition):
    path = write(tmp_path, VALID)
    loaded = load_attestations(path, edition, TARGET, today=TODAY)
    gen = loaded.attestation("GEN-01")
    assert gen.result == "pass" and gen.tester == "Nguyễn Văn An" and gen.expiry == dt.date(2027, 3, 2)
    assert gen.evidence[0].resolved == (tmp_path / "bang-chung" / "gen-01.png").resolve()
    assert gen.where.endswith(":7:5")
    assert loaded.attestation("HS-06").result == "fail"
    waiver = loaded.waiver("HS-01")
    assert waiver.reason.startswith("Mã cơ quan") and waiver.reference == "Công văn 12/STTTT-CNTT"
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert loaded.to_dict()["target"]["version"] == "2.3.1"


def test_names_compare_after_nfc_and_spacing(tmp_path, edition):
    decomposed = VALID.replace("Công ty Cổ phần A", "Co\u0302ng ty  Co\u0302\u0309 pha\u0302\u0300n A")
    path = write(tmp_path, decomposed)
    # the file itself must be NFC (TCVN 6909): decomposed text is refused, naming the line
    assert any(":3:" in p and "NFC" in p for p in problems(path, edition))
    spaced = write(tmp_path, VALID.replace("vendor: Công ty Cổ phần A", "vendor: Công ty  Cổ phần A"))
    assert load_attestations(spaced, edition, TARGET, today=TODAY).waiver("HS-01")


@pytest.mark.parametrize("change,where,words", [
    (("criterion: GEN-01", "criterion: XX-09"), ":7:", "no criterion 'XX-09'"),
    (("vendor: Công ty Cổ phần A", "vendor: Công ty Khác"), ":3:", "another target"),
    (("system: Cổng DVC tỉnh B", "system: Cổng DVC tỉnh C"), ":4:", "another target"),
    (('version: "2.3.1"', 'version: "2.3.0"'), ":5:", "version '2.3.0'"),
    (("edition: mini", "edition: cv255-2018"), ":1:", "edition 'cv255-2018'"),
    (("expiry: 2026-04-02", "expiry: 2026-03-09"), ":19:", "expired on 2026-03-09"),
    (("date: 2026-03-01", "date: 2026-03-11"), ":26:", "in the future"),
    (("expiry: 2026-06-30", "expiry: 2026-02-01"), ":27:", "before the date"),
    (("criterion: HS-06", "criterion: GEN-02"), ":15:", "informative criterion"),
    (("criterion: HS-06", "criterion: HS-01"), ":15:", "automated criterion"),
    (("criterion: HS-06", "criterion: GEN-01"), ":15:", "listed twice"),
    (("result: fail", "result: maybe"), ":16:", "pass or fail"),
    (("reason: Mã cơ quan đang chờ cấp theo QCVN 102.", 'reason: "  "'), ":24:", "reason for the waiver"),
    (("    reference: Công văn 12/STTTT-CNTT\n", "    approved: yes\n"), ":28:", "unknown field 'approved'"),
    (('version: "2.3.1"', "version: 2.3"), ":5:", "in quotes"),
])
def test_refusals_name_file_line_and_column(tmp_path, edition, change, where, words):
    path = write(tmp_path, VALID.replace(*change))
    found = problems(path, edition)
    assert any(where in p and words in p for p in found), found
    assert all(re.match(r".*attestations\.yaml:\d+:\d+: ", p) for p in found)


def test_the_unchanged_file_is_accepted_with_the_same_today(tmp_path, edition):
    # the other side of the refusals above: nothing in VALID itself is refused
    load_attestations(write(tmp_path, VALID), edition, TARGET, today=TODAY)


def test_expiry_is_judged_against_today(tmp_path, edition):
    path = write(tmp_path, VALID)
    assert load_attestations(path, edition, TARGET, today=dt.date(2026, 4, 2))
    assert any("HS-06" in p and "expired on 2026-04-02" in p
               for p in problems(path, edition, today=dt.date(2026, 4, 3)))


def test_changed_or_missing_evidence_is_refused(tmp_path, edition):
    path = write(tmp_path, VALID, evidence=PICTURE + b"one more byte")
    found = problems(path, edition)
    assert any(":14:" in p and "has changed" in p for p in found)
    (tmp_path / "bang-chung" / "gen-01.png").unlink()
    assert any(":14:" in p and "evidence file not found" in p for p in problems(path, edition))


def test_target_id_is_compared_when_both_name_one(tmp_path, edition):
    path = write(tmp_path, VALID.replace("  vendor:", "  id: cong-dvc-c\n  vendor:"))
    assert any("id 'cong-dvc-c'" in p for p in problems(path, edition))
    assert load_attestations(path, edition, {**TARGET, "id": None}, today=TODAY)


def test_an_impossible_date_is_bad_input(tmp_path, edition):
    path = write(tmp_path, VALID.replace("date: 2026-03-02", "date: 2026-02-30", 1))
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "2026-02-30" in text)
    assert any(f"attestations.yaml:{line}:" in p and "2026-02-30" in p for p in problems(path, edition))


def test_a_missing_file_is_bad_input(tmp_path, edition):
    assert "file not found" in problems(tmp_path / "nope.yaml", edition)[0]
