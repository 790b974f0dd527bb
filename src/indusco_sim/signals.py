"""SIGINT and SIGTERM as an exception (errors.Stopped) that unwinds a run, so that `finally` blocks delete its
temporary folder and lock; the CLI then prints one line and exits 130 (SIGINT) or 143 (SIGTERM).

Python runs a signal handler wherever the main thread is, and that may be Python code called from C through
ctypes: numba's compiler calls back into Python as it caches what it compiled (llvmlite's object cache). An
exception raised there cannot unwind the run. Python prints it as "Exception ignored ..." with a traceback, and
the run went on to write its results and exit 0 (seen in CI: SIGTERM during the first compile of a fresh
checkout). So a Stopped that Python has to drop is not printed, and `check()`, called after each tick and
before a results folder is put in place, raises it again."""

from __future__ import annotations

import signal
import sys

from indusco_sim.errors import Stopped

NAMES = {signal.SIGINT: "interrupted (Ctrl-C)", signal.SIGTERM: "terminated (SIGTERM)"}
received: int | None = None  # the signal that arrived, if any: an exception raised while unwinding is its effect


def _raise(signum: int, frame) -> None:
    global received
    received = signum
    for sig in NAMES:  # a second signal while unwinding must not interrupt the clean-up
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)


def install() -> None:
    """Turn SIGINT and SIGTERM into Stopped in the main thread; a Stopped that cannot propagate is kept for
    check() instead of being printed."""
    for sig in NAMES:
        signal.signal(sig, _raise)
    if sys.unraisablehook is not _keep_for_check:
        _keep_for_check.previous = sys.unraisablehook
        sys.unraisablehook = _keep_for_check


def _keep_for_check(unraisable) -> None:
    """sys.unraisablehook: a Stopped raised where it could not propagate is left to check(); others as before."""
    if isinstance(unraisable.exc_value, Stopped):
        return
    _keep_for_check.previous(unraisable)


_keep_for_check.previous = sys.__unraisablehook__


def check() -> None:
    """Raise Stopped if a signal has arrived (its exception may have been dropped on the way: see above)."""
    if received is not None:
        raise Stopped(received)


def message(stop: Stopped) -> str:
    return f"indusco: {NAMES.get(stop.signum, f'signal {stop.signum}')}; stopped, and nothing was written"


def exit_code(stop: Stopped) -> int:
    return 128 + int(stop.signum)
