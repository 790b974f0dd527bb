"""results/figure_pool.py: figures shared between this process and a forked child, files whole either way."""

from __future__ import annotations

import multiprocessing
import os
import time
from functools import partial
from pathlib import Path

import pytest

from indusco_sim.results.figure_pool import Figure, can_fork, draw_figures, share_out

needs_fork = pytest.mark.skipif(not can_fork(), reason="drawing on two processes needs Linux and two CPUs")


def write_pid(path: Path) -> None:
    """A stand-in figure: the file says which process wrote it."""
    path.write_text(str(os.getpid()))


def hang_in_child(parent: int, path: Path) -> None:
    """Never returns in a child process; writes the pid in the parent."""
    while os.getpid() != parent:
        time.sleep(0.05)
    write_pid(path)


def fail_in(pid_test, path: Path) -> None:
    """Raises in the processes pid_test(pid) picks, else writes the pid."""
    if pid_test(os.getpid()):
        raise RuntimeError(f"no figure in process {os.getpid()}")
    write_pid(path)


def test_share_out_balances_the_cost_and_keeps_each_job_once_in_order():
    costs = [0.21, 0.21, 0.33, 0.28, 0.27, 0.5, 0.12]  # the baseline's figures, in write_plots' order
    jobs = [Figure(c, lambda k=k: k) for k, c in enumerate(costs)]
    mine, theirs = share_out(jobs)
    assert sorted([j.draw() for j in mine] + [j.draw() for j in theirs]) == list(range(len(jobs)))
    assert [j.draw() for j in mine] == sorted(j.draw() for j in mine)
    assert [j.draw() for j in theirs] == sorted(j.draw() for j in theirs)
    loads = sum(j.cost for j in mine), sum(j.cost for j in theirs)
    assert abs(loads[0] - loads[1]) <= max(costs) / 2  # 0.98 and 0.94 s: greedy, costliest first
    assert share_out([Figure(1.0, print)]) == ([Figure(1.0, print)], [])


@needs_fork
def test_a_child_draws_part_of_the_figures(tmp_path):
    paths = [tmp_path / f"f{k}.txt" for k in range(4)]
    draw_figures([Figure(1.0, partial(write_pid, p)) for p in paths], parallel=True)
    writers = {int(p.read_text()) for p in paths}
    assert os.getpid() in writers and len(writers) == 2
    assert not multiprocessing.active_children()


def test_serial_drawing_stays_in_this_process(tmp_path):
    paths = [tmp_path / f"f{k}.txt" for k in range(3)]
    draw_figures([Figure(1.0, partial(write_pid, p)) for p in paths], parallel=False)
    assert {int(p.read_text()) for p in paths} == {os.getpid()}


@needs_fork
def test_the_figures_of_a_failed_child_are_drawn_here(tmp_path):
    parent = os.getpid()
    paths = [tmp_path / f"f{k}.txt" for k in range(4)]
    jobs = [Figure(1.0, partial(fail_in, lambda pid: pid != parent, p)) for p in paths]
    draw_figures(jobs, parallel=True)
    assert [int(p.read_text()) for p in paths] == [parent] * 4


@needs_fork
def test_an_error_here_is_raised_after_the_child_has_ended(tmp_path):
    parent = os.getpid()
    paths = [tmp_path / f"f{k}.txt" for k in range(4)]
    with pytest.raises(RuntimeError, match="no figure in process"):
        draw_figures([Figure(1.0, partial(fail_in, lambda pid: pid == parent, p)) for p in paths], parallel=True)
    assert not multiprocessing.active_children()


@needs_fork
def test_a_hung_child_is_killed_and_its_figures_drawn_here(tmp_path):
    parent = os.getpid()
    paths = [tmp_path / f"f{k}.txt" for k in range(2)]
    t0 = time.perf_counter()
    draw_figures([Figure(1.0, partial(hang_in_child, parent, p)) for p in paths], parallel=True, child_timeout=0.5)
    assert time.perf_counter() - t0 < 30
    assert [int(p.read_text()) for p in paths] == [parent] * 2
    assert not multiprocessing.active_children()


def test_with_no_process_to_be_had_every_figure_is_drawn_here(tmp_path, monkeypatch):
    def refuse(self):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", refuse)
    paths = [tmp_path / f"f{k}.txt" for k in range(3)]
    draw_figures([Figure(1.0, partial(write_pid, p)) for p in paths], parallel=True)
    assert [int(p.read_text()) for p in paths] == [os.getpid()] * 3
