"""A CPU hog: keeps `--cores` cores busy (one spinning process each) so that tests run as on a
loaded machine; `make test-under-load` runs the suite next to it. Bounded: it stops by itself
after `--max-s` seconds, and its spinners stop with it (SIGTERM or SIGINT to the hog).

    python -m tests.hostile.cpu_hog --cores 2 --max-s 1800
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import time


def spin(parent: int) -> None:
    while os.getppid() == parent:  # a spinner outliving its hog stops by itself
        for _ in range(100_000):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--max-s", type=float, default=1800.0)
    args = parser.parse_args()
    spinners = [multiprocessing.Process(target=spin, args=(os.getpid(),), daemon=True) for _ in range(args.cores)]
    for spinner in spinners:
        spinner.start()

    def stop(*_):
        for spinner in spinners:
            spinner.terminate()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    time.sleep(args.max_s)
    stop()


if __name__ == "__main__":
    main()
