"""Named points in the middle of a write where the tests kill the program, to prove a crash loses nothing.

`GRANT_REPORTER_CRASH_AT=submit.before-commit grant-reporter submit …` dies there
as if the power went out (SIGKILL: no clean-up, no `finally`). Without the
variable a crash point costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "GRANT_REPORTER_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(VARIABLE) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
