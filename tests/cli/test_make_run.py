"""`make run` shows dokiem's own exit code (make alone would only say "Error 2")."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
@pytest.mark.parametrize("code", [0, 4])
def test_make_run_prints_and_keeps_dokiems_exit_code(tmp_path, code):
    fake = tmp_path / "bin" / "dokiem"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\nexit {code}\n", encoding="utf-8")
    fake.chmod(0o755)
    # -o setup: take the set-up as done; BIN points at a dokiem that exits with `code`
    proc = subprocess.run(["make", "-s", "-o", "setup", "run", f"BIN={fake.parent}", f"STAMP={tmp_path / 'stamp'}"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert f"mã thoát (exit code) {code}" in proc.stdout, proc.stdout + proc.stderr
    assert (tmp_path / "stamp-run-exit").read_text().strip() == str(code)
    assert (proc.returncode == 0) == (code == 0)
