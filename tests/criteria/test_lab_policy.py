"""One rule on mandatory flags: a mandatory criterion resting on an inferred basis or an assumed
threshold says it is the lab's requirement (lab_policy), or validation refuses it."""
from __future__ import annotations

from pathlib import Path

from harness.criteria import load_edition
from tests.criteria.test_criteria_commands import criteria_dir, edit, line_of, run  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parent.parent.parent


def test_inferred_mandatory_without_lab_policy_is_refused(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    edit(section, "    provenance: {source: inferred}\n    mandatory: false",
         "    provenance: {source: inferred}\n    mandatory: true")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    line = line_of(section, "mandatory: true", 2)
    assert f"02-ho-so.yaml:{line}:" in err and "HS-02" in err and "lab_policy" in err and "basis inferred" in err


def test_lab_policy_makes_it_valid(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    edit(section, "    provenance: {source: inferred}\n    mandatory: false",
         "    provenance: {source: inferred}\n    mandatory: true\n    lab_policy: \"Căn cứ suy luận — basis inferred\"")
    code, out, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 0, err
    edition = load_edition(criteria_dir, "mini")
    assert edition.criterion("HS-02")["lab_policy"] == "Căn cứ suy luận — basis inferred"


def test_an_assumed_threshold_counts_only_when_marked_a_threshold(capsys, criteria_dir):
    section, meta = criteria_dir / "mini" / "02-ho-so.yaml", criteria_dir / "mini" / "edition.yaml"
    edit(section, "    provenance: {source: inferred}\n    mandatory: false",
         "    provenance: {source: successor}\n    mandatory: true")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 0, err  # perf.avg_response_ms is assumed but not declared a threshold
    edit(meta, "    provenance: {source: inferred}\n    assumed: true\n    title_vi: Thời gian phản hồi trung bình tối đa",
         "    provenance: {source: inferred}\n    assumed: true\n    threshold: true\n"
         "    title_vi: Thời gian phản hồi trung bình tối đa")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2 and "HS-02" in err and "perf.avg_response_ms" in err


def test_the_real_edition_marks_what_the_review_named():
    edition = load_edition(REPO / "criteria", "cv255-2018")
    for cid in ("GEN-08", "SEC-04", "SEC-05", "SEC-09", "NFR-08", "NFR-10", "NFR-12", "PERF-01", "SEC-06"):
        assert edition.criterion(cid)["mandatory"] and edition.criterion(cid)["lab_policy"], cid
    # verifiable now: no longer inferred (review E4, E8, E11, E12)
    for cid in ("MC-02", "DVC-22", "SEC-06", "NFR-07"):
        assert edition.criterion(cid)["provenance"]["source"] in {"in_force", "successor"}, cid
    assert "Điều 16, 17" in " ".join(edition.criterion("MC-03")["basis"])
    assert "Điều 18" in " ".join(edition.criterion("MC-05")["basis"])
    assert edition.sections[6]["title_vi"].endswith("phục vụ kết nối cổng DVC và Hệ thống MCĐT với Cổng dịch vụ công quốc gia")
