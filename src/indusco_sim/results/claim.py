"""Claiming a results folder before a run starts: a lock file `.NAME.lock` beside it holds the pid (and start
time) of the run writing it, so a second run on the same folder is refused at once. Taking the lock also
removes what killed runs left beside the folder (temporary `.NAME.tmp-PID-*` and `.NAME.old-PID` folders and
their lock), recognised by an owning process that no longer exists.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

from indusco_sim.errors import InputError

_held: dict[Path, int] = {}  # folders this process has claimed -> nesting count
STALE_EMPTY_LOCK_S = 5.0  # an unreadable lock older than this is left over from a killed run


def lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def temp_prefix(target: Path) -> str:
    """Prefix of this process's temporary folders for `target`."""
    return f".{target.name}.tmp-{os.getpid()}-"


@contextlib.contextmanager
def claim(target: Path) -> Iterator[None]:
    """Hold the lock of `target` (an absolute path) for the duration; re-entrant within one process.

    InputError (exit 2) if another live process holds it, or if its parent folder cannot be made.
    """
    if target in _held:
        _held[target] += 1
        try:
            yield
        finally:
            _held[target] -= 1
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot make the folder {target.parent}: {exc.strerror or exc}", key="--out",
                         valid="a folder path you may write to") from None
    lock = lock_path(target)
    _take(lock, target)
    _held[target] = 1
    try:
        remove_stale(target)
        yield
    finally:
        del _held[target]
        with contextlib.suppress(OSError):
            lock.unlink()


def _take(lock: Path, target: Path) -> None:
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            owner = _owner(lock)
            if owner is not None:
                raise InputError(f"another indusco run (pid {owner}) is writing the results folder {target}",
                                 key="--out", valid="wait until it finishes, or choose another --out") from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()
            continue
        except OSError as exc:
            raise InputError(f"cannot write beside the results folder {target}: {exc.strerror or exc}",
                             key="--out", valid="a folder path you may write to") from None
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{os.getpid()} {_start_time(os.getpid())}\n")
        return
    raise InputError(f"cannot take the lock {lock}", key="--out", valid="a folder no other program is writing")


def _owner(lock: Path) -> int | None:
    """The pid of the live process that holds `lock`, or None if the lock is left over from a dead one."""
    try:
        text = lock.read_text(encoding="utf-8").split()
        age = time.time() - lock.stat().st_mtime
    except (OSError, UnicodeDecodeError):
        return None
    if len(text) != 2:
        return -1 if age < STALE_EMPTY_LOCK_S else None  # being written this moment, or left over
    pid, started = int(text[0]), float(text[1])
    return pid if alive(pid, started) else None


def alive(pid: int, started: float | None = None) -> bool:
    """Process `pid` exists (and, given its start time, is the same process, not a later one with its pid)."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return started is None or abs(proc.create_time() - started) < 1.0
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def _start_time(pid: int) -> float:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return 0.0


_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?:tmp-(?P<pid>\d+)-.*|tmp-.*|old-(?P<old>\d+))")


def remove_stale(target: Path) -> list[Path]:
    """Delete temporary and old folders beside `target` whose owning process is gone; returns them."""
    removed = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _LEFTOVER.fullmatch(entry.name)
        if match is None or match["name"] != target.name or entry.is_symlink() or not entry.is_dir():
            continue
        pid = match["pid"] or match["old"]
        if pid is not None and int(pid) != os.getpid() and alive(int(pid)):
            continue
        if pid is not None and int(pid) == os.getpid():
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed
