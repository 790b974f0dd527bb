"""SIGINT and SIGTERM as an exception (errors.Stopped) that unwinds a run, so that `finally` blocks delete its
temporary folder and lock; the CLI then prints one line and exits 130 (SIGINT) or 143 (SIGTERM)."""

from __future__ import annotations

import signal

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
    """Turn SIGINT and SIGTERM into Stopped in the main thread."""
    for sig in NAMES:
        signal.signal(sig, _raise)


def message(stop: Stopped) -> str:
    return f"indusco: {NAMES.get(stop.signum, f'signal {stop.signum}')}; stopped, and nothing was written"


def exit_code(stop: Stopped) -> int:
    return 128 + int(stop.signum)
