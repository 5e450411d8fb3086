"""`dokiem profile init` writes a valid skeleton of the whole vocabulary (with OpenAPI proposals
marked to review); `dokiem profile check` tells invalid (2) from valid-but-incomplete (0) from
unreachable (3) and always ends with one summary line."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import yaml

from harness import criteria
from harness.cli import main
from harness.profile_init import REVIEW

from tests.engine.test_profile import CRITERIA
from .workflow_target import WorkflowTarget


@pytest.fixture(scope="module")
def vocabulary():
    return criteria.load_checks(CRITERIA)


@pytest.fixture(scope="module")
def refportal_openapi(tmp_path_factory):
    """refportal's own OpenAPI description, built without starting it."""
    from refportal.app import create_app

    app = create_app(SimpleNamespace(settings=SimpleNamespace(test_control=False, national_portal="", https=False)))
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(app.openapi(), ensure_ascii=False), encoding="utf-8")
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out.strip().splitlines(), out.err


def test_init_writes_every_operation_and_journey_and_check_says_what_is_missing(tmp_path, capsys, vocabulary):
    path = tmp_path / "moi.yaml"
    code, _lines, _ = run(capsys, "profile", "init", str(path))
    assert code == 0
    text = path.read_text(encoding="utf-8")
    for name, meta in {**vocabulary.operations, **vocabulary.journeys}.items():
        assert f"# {name}:" in text  # each with what it takes and what dokiem reads
    for name, meta in vocabulary.operations.items():
        if meta.get("returns"):
            assert ", ".join(meta["returns"]) in text
    code, lines, _ = run(capsys, "profile", "check", str(path), "--offline")
    assert code == 0
    assert lines[-1].endswith("kiểm tra sẽ là ERROR (checks will be ERROR)") and "valid but incomplete" in lines[-1]
    assert any("operation 'submit_dossier' is not configured" in line for line in lines[:-1])


def test_init_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "co-roi.yaml"
    path.write_text("giữ nguyên", encoding="utf-8")
    code, _lines, err = run(capsys, "profile", "init", str(path))
    assert code == 2 and "already exists" in err
    assert path.read_text(encoding="utf-8") == "giữ nguyên"


def test_init_from_openapi_proposes_mappings_by_path_and_operation_id(tmp_path, capsys, refportal_openapi):
    path = tmp_path / "tu-openapi.yaml"
    code, _lines, _ = run(capsys, "profile", "init", str(path), "--from-openapi", str(refportal_openapi))
    assert code == 0
    operations = yaml.safe_load(path.read_text(encoding="utf-8"))["operations"]
    expected = {"get_dossier": ("GET", "/api/dossiers/${dossier_code}"),
                "receive_dossier": ("POST", "/api/dossiers/${dossier_code}/receive"),
                "lookup_dossier": ("GET", "/api/lookup/${dossier_code}"),
                "submit_dossier": ("POST", "/api/dossiers"),
                "list_dossiers": ("GET", "/api/dossiers"),
                "print_form": ("GET", "/api/dossiers/${dossier_code}/forms/${form_number}"),
                "get_feedback": ("GET", "/api/feedback/${tracking_code}")}
    for name, (method, route) in expected.items():
        assert (operations[name]["method"], operations[name]["path"]) == (method, route), name
    assert all(op["note"].startswith(REVIEW) for op in operations.values())
    code, lines, _ = run(capsys, "profile", "check", str(path), "--offline")
    assert code == 0 and "valid but incomplete" in lines[-1]


def test_init_from_a_file_that_is_not_openapi_is_bad_input(tmp_path, capsys):
    bad = tmp_path / "khong-phai.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    code, _lines, err = run(capsys, "profile", "init", str(tmp_path / "x.yaml"), "--from-openapi", str(bad))
    assert code == 2 and "not an OpenAPI description" in err and not (tmp_path / "x.yaml").exists()


def test_check_an_invalid_profile_exits_2_with_the_place(tmp_path, capsys):
    path = tmp_path / "sai.yaml"
    main(["profile", "init", str(path)])
    path.write_text(path.read_text(encoding="utf-8").replace("environment: staging", "environment: thu-nghiem"),
                    encoding="utf-8")
    capsys.readouterr()
    code, lines, _ = run(capsys, "profile", "check", str(path), "--offline")
    assert code == 2
    assert any(line.startswith(f"{path}:") and "environment" in line for line in lines[:-1])
    assert "invalid profile" in lines[-1]


def test_check_a_complete_profile_of_a_live_target_and_an_unreachable_one(tmp_path, capsys, monkeypatch):
    with WorkflowTarget() as target:
        path = tmp_path / "song.yaml"
        main(["profile", "init", str(path)])
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["base_urls"]["portal"] = target.url
        data["accounts"] = {role: [{"anonymous": True}] for role in data["accounts"]}
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        capsys.readouterr()
        code, lines, _ = run(capsys, "profile", "check", str(path))
        assert code == 0 and "reachable" in lines[-1] and "valid but incomplete" in lines[-1]
    data["base_urls"]["portal"] = "http://127.0.0.1:9"  # nothing listens there
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr("harness.preflight.REACH_DEADLINE_S", 0.5)
    code, lines, _ = run(capsys, "profile", "check", str(path))
    assert code == 3 and "unreachable" in lines[-1]


def test_features_absent_is_the_editions_list(tmp_path, capsys, vocabulary):
    """features_absent accepts exactly the optional features the edition names; init lists them."""
    edition = criteria.load_edition(CRITERIA, None, vocabulary)
    features = sorted({c.get("optional_feature") for c in edition.criteria} - {None})
    assert features  # the edition has optional features
    path = tmp_path / "tinh-nang.yaml"
    main(["profile", "init", str(path)])
    text = path.read_text(encoding="utf-8")
    assert f"optional features of {edition.id}: {', '.join(features)}" in text
    path.write_text(text.replace("features_absent: []", f"features_absent: {json.dumps(features)}"), encoding="utf-8")
    capsys.readouterr()
    code, lines, _ = run(capsys, "profile", "check", str(path), "--offline")
    assert code == 0, lines
    path.write_text(text.replace("features_absent: []", 'features_absent: ["teleportation"]'), encoding="utf-8")
    code, lines, _ = run(capsys, "profile", "check", str(path), "--offline")
    assert code == 2 and any("unknown optional feature 'teleportation'" in line for line in lines)


def test_a_portal_style_needs_the_demo_and_a_style_refportal_has(tmp_path, capsys):
    code, _lines, err = run(capsys, "run", "--target", str(tmp_path / "x.yaml"), "--portal-style", "stepwise")
    assert code == 2 and "--portal-style" in err
    code, _lines, err = run(capsys, "run", "--demo", "--portal-style", "no-such-style")
    assert code == 2 and "'no-such-style'" in err and "envelope, stepwise" in err
