"""Start-up time to a visible window: from launching a program to its window being on the screen.

Each run starts the program with a fresh home folder (a first start: the database
is created) or, with --db, on a given database, polls the screen with xdotool
until a visible window titled "Grant Reporter" appears, and closes the program.
Prints every run and the median. Needs a screen and xdotool, e.g.:

    xvfb-run -a .venv/bin/python benchmarks/bench_startup.py -- dist/grant-reporter/grant-reporter
    xvfb-run -a .venv/bin/python benchmarks/bench_startup.py -n 9 -- .venv/bin/grant-reporter
    xvfb-run -a .venv/bin/python benchmarks/bench_startup.py -- dist/onefile/grant-reporter
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time

TITLE = "^Grant Reporter$"


def visible_window() -> bool:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", TITLE], capture_output=True, text=True)
    return bool(found.stdout.strip())


def one_run(command: list[str], timeout: float) -> float:
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PYTHON"))}
        env["HOME"] = home
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not visible_window():
                if process.poll() is not None:
                    raise SystemExit(f"{command[0]} ended (exit {process.returncode}) before showing a window")
                if time.perf_counter() - started > timeout:
                    raise SystemExit(f"no window after {timeout} s")
                time.sleep(0.005)
            return time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=30)
            while visible_window():  # the next run must not see this one's window
                time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1, help="runs not counted (the disk cache warms up)")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("command", nargs="+", help="the program and its arguments")
    args = parser.parse_args()
    if os.sep in args.command[0]:  # it runs from the fresh home folder
        args.command[0] = os.path.abspath(args.command[0])
    if visible_window():
        raise SystemExit("a Grant Reporter window is already open on this screen")
    for _ in range(args.warmup):
        one_run(args.command, args.timeout)
    times = [one_run(args.command, args.timeout) for _ in range(args.runs)]
    print(f"{' '.join(args.command)}: " + " ".join(f"{t:.2f}" for t in times) + " s")
    print(f"  median {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s "
          f"({args.runs} runs after {args.warmup} warm-up)")


if __name__ == "__main__":
    main()
