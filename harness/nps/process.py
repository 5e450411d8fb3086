"""Start the simulator as its own process and wait until it announces itself."""
from __future__ import annotations

import sys
from pathlib import Path

from harness.nps.client import ENV_CONTROL_TOKEN
from harness.procs import ReadyProcess, start_ready_process


def start_simulator(run_id: str, edition_dir: Path | str, bind: str = "127.0.0.1:0", public_url: str | None = None,
                    records_file: Path | str | None = None, catalogue: Path | str | None = None, *,
                    smtp_bind: str | None = None, callback_ca: Path | str | None = None,
                    control_token: str | None = None, extra_args: list[str] | tuple[str, ...] = (),
                    timeout: float = 20.0) -> ReadyProcess:
    """`python -m harness.nps.server serve …`; `.ready` holds url, smtp_host, smtp_port, run_id.

    Raises harness.procs.StartError with what the process printed when it does not start.
    """
    argv = [sys.executable, "-m", "harness.nps.server", "serve", "--bind", bind, "--run-id", run_id,
            "--edition-dir", str(edition_dir)]
    for option, value in (("--public-url", public_url), ("--records", records_file), ("--catalogue", catalogue),
                          ("--smtp-bind", smtp_bind), ("--callback-ca", callback_ca)):
        if value is not None:
            argv += [option, str(value)]
    # the token travels in the environment, not on the command line other users can read
    env = {ENV_CONTROL_TOKEN: control_token} if control_token else None
    return start_ready_process("nps", argv + list(extra_args), timeout=timeout, env=env)
