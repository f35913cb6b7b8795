"""Start-up time to a visible window: from launching a program to its window being on the screen.

Each run starts the program with a fresh home folder (a first start: the database
is created) or, with --db, on a given database, polls the screen with xdotool
until a visible window titled "Grant Reporter" appears, and closes the program.
Prints every run and the median, of the wall time and of the processor time the
program (and, for a one-file build, the child it unpacks and starts) used until
then: on a shared, busy machine the processor time says more about the program. With --also, other programs run in turn with
the first (A B C A B C …), so a busy machine slows them alike. Needs a screen
and xdotool, e.g.:

    xvfb-run -a .venv/bin/python benchmarks/bench_startup.py -n 11 \
        --also dist/grant-reporter/grant-reporter --also dist/onefile/grant-reporter -- .venv/bin/grant-reporter
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import tempfile
import time

TITLE = "^Grant Reporter$"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system time of a process and its living descendants (Linux /proc)."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK + sum(cpu_seconds(int(child)) for child in children)


def visible_window() -> bool:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", TITLE], capture_output=True, text=True)
    return bool(found.stdout.strip())


def one_run(command: list[str], timeout: float) -> tuple[float, float]:
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
            return time.perf_counter() - started, cpu_seconds(process.pid)
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
    parser.add_argument("--also", action="append", default=[], metavar="COMMAND",
                        help="another program to time in turn with the first (one string, split as a shell does)")
    parser.add_argument("command", nargs="+", help="the program and its arguments")
    args = parser.parse_args()
    commands = [args.command, *(shlex.split(other) for other in args.also)]
    for command in commands:
        if os.sep in command[0]:  # it runs from the fresh home folder
            command[0] = os.path.abspath(command[0])
    if visible_window():
        raise SystemExit("a Grant Reporter window is already open on this screen")
    for _ in range(args.warmup):
        for command in commands:
            one_run(command, args.timeout)
    runs: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(args.runs):
        for command, measured in zip(commands, runs):
            measured.append(one_run(command, args.timeout))
    for command, measured in zip(commands, runs):
        print(f"{' '.join(command)} ({args.runs} runs after {args.warmup} warm-up)")
        for name, values in (("wall", [w for w, _ in measured]), ("cpu", [c for _, c in measured])):
            print(f"  {name:4s} median {statistics.median(values):.2f} s, min {min(values):.2f} s, "
                  f"max {max(values):.2f} s: " + " ".join(f"{v:.2f}" for v in values))


if __name__ == "__main__":
    main()
