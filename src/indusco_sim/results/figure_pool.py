"""A run's figures drawn on two processes at once: this one and a forked copy of it.

Each figure is a job that draws and saves one or more PNG files and depends on nothing another job draws, so
the split changes no pixel (tests/test_maps.py compares a run's files drawn both ways byte for byte). The jobs are dealt
to the two processes by their cost, largest first, each to the process with less work so far.

Why fork: the child starts as a copy of this process, with matplotlib and the run's tables already in memory;
a fresh interpreter would spend 0.6-0.8 s importing them again, as long as the half of the figures it would
draw. The child draws with matplotlib only (no numba kernel, no thread pool), so the threads a fork does not
copy (numba's and OpenBLAS's idle workers, which make Python warn that a fork "may lead to deadlocks") are
never waited for there. Should a child hang all the same, it is killed after `child_timeout` seconds and its
figures are drawn here: a stuck child costs time, never a figure.

Decision (issue 14, 2026-12-04): the baseline's nine figures took 1.90-1.96 s in one process (measured figure
by figure: the three region maps 0.46-0.53 s together, output 0.31-0.37, the network map 0.28-0.29, the
archive comparison 0.26-0.27, each stacked area 0.19-0.24, the timeline 0.12); plots.write_plots gives each
figure its cost from these, in seconds.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import warnings
from collections.abc import Callable
from typing import NamedTuple


class Figure(NamedTuple):
    """One job: draw() writes its files; cost is its expected time (s), used only to share the jobs out."""
    cost: float
    draw: Callable[[], object]


def can_fork() -> bool:
    """Whether a second process may draw: Linux (fork is unsafe on macOS), two or more CPUs for this process,
    and this process not a daemon (multiprocessing forbids a daemon's children: a dask worker's, say)."""
    if sys.platform != "linux" or multiprocessing.current_process().daemon:
        return False
    return len(os.sched_getaffinity(0)) > 1


def share_out(jobs: list[Figure]) -> tuple[list[Figure], list[Figure]]:
    """The jobs in two lists of about equal cost: the costliest first, each to the list with less so far.
    Ties go to the first list (this process), and each list keeps the jobs' given order."""
    lists: tuple[list[int], list[int]] = ([], [])
    load = [0.0, 0.0]
    for k in sorted(range(len(jobs)), key=lambda k: -jobs[k].cost):
        side = 0 if load[0] <= load[1] else 1
        lists[side].append(k)
        load[side] += jobs[k].cost
    return [jobs[k] for k in sorted(lists[0])], [jobs[k] for k in sorted(lists[1])]


def _draw_each(jobs: list[Figure]) -> None:
    for job in jobs:
        job.draw()


def _draw_in_child(jobs: list[Figure]) -> None:
    """The child's work. Any failure ends it with status 1 and no traceback: the parent then draws the same
    jobs itself, where an error is raised with its own traceback."""
    try:
        _draw_each(jobs)
    except BaseException:  # reported by the parent, which draws these jobs again
        os._exit(1)


def draw_figures(jobs: list[Figure], parallel: bool | None = None, child_timeout: float = 120.0) -> None:
    """Run every job's draw(). parallel (default: can_fork()): half the cost in a forked child while this
    process draws the other half (all of it here if no child can be started). A child that fails, is killed,
    or is still drawing `child_timeout` seconds after this process has drawn its half, has its jobs drawn again
    here, so every file is written whole or an exception is raised here; the child has always ended before this
    returns."""
    if parallel is None:
        parallel = can_fork()
    if not parallel or len(jobs) < 2:
        _draw_each(jobs)
        return
    mine, theirs = share_out(jobs)
    child = multiprocessing.get_context("fork").Process(target=_draw_in_child, args=(theirs,), daemon=True)
    try:
        with warnings.catch_warnings():  # the idle threads it names are never used in the child (module docstring)
            warnings.filterwarnings("ignore", r"This process .* is multi-threaded", DeprecationWarning)
            child.start()
    except OSError:  # no process to be had (a process limit, no memory to fork): all of them here
        _draw_each(jobs)
        return
    try:
        _draw_each(mine)
        child.join(child_timeout)
    finally:
        if child.exitcode is None:  # still running: hung, or this process failed first
            child.kill()
        child.join()
    if child.exitcode != 0:
        _draw_each(theirs)
