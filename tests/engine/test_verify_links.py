"""`dokiem verify` never follows a symbolic link out of the run folder."""
from __future__ import annotations

from harness import cli
from harness.verify import write_manifest


def _run_folder(tmp_path):
    folder = tmp_path / "run"
    (folder / "evidence").mkdir(parents=True)
    (folder / "compliance.json").write_text('{"certified": false}', encoding="utf-8")
    (folder / "evidence" / "notes.txt").write_text("observed", encoding="utf-8")
    write_manifest(folder)
    return folder


def test_a_file_swapped_for_a_link_to_an_identical_outside_file_is_refused(tmp_path, capsys):
    folder = _run_folder(tmp_path)
    assert cli.main(["verify", str(folder)]) == 0
    outside = tmp_path / "elsewhere.json"
    outside.write_text('{"certified": false}', encoding="utf-8")  # same bytes: a followed link would pass
    (folder / "compliance.json").unlink()
    (folder / "compliance.json").symlink_to(outside)
    capsys.readouterr()
    assert cli.main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "symbolic link" in out and "compliance.json" in out


def test_a_linked_folder_outside_is_named_and_not_walked(tmp_path, capsys):
    folder = _run_folder(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not part of the record", encoding="utf-8")
    (folder / "extra").symlink_to(outside, target_is_directory=True)
    assert cli.main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "extra" in out and "secret.txt" not in out


def test_a_linked_manifest_is_bad_input(tmp_path, capsys):
    folder = _run_folder(tmp_path)
    moved = tmp_path / "manifest.copy"
    (folder / "manifest.sha256").rename(moved)
    (folder / "manifest.sha256").symlink_to(moved)
    assert cli.main(["verify", str(folder)]) == 2
