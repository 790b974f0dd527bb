"""Input that used to hang or overflow the stack is refused within the documented limits
(scenario/yaml_limits.py, experiments/estimate.py): exit 2, one paragraph, quickly."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from cli_helpers import BASELINE, SHORT_RUN, assert_input_error, indusco, indusco_in_process, leftovers, write
from indusco_sim.scenario import yaml_limits


def validate_quickly(scenario: Path, seconds: float = 10) -> str:
    t0 = time.perf_counter()
    outcome = indusco_in_process("validate", scenario)
    assert time.perf_counter() - t0 < seconds
    return outcome


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    scenario = write(tmp_path, "laughs.yaml", "\n".join(lines) + "\n")
    outcome = validate_quickly(scenario)
    assert_input_error(outcome, file=str(scenario), line=6, says=("expands to more than 200,000 values",))


@pytest.mark.parametrize("style", ["flow", "block"])
def test_lists_nested_hundreds_deep_are_refused(style: str, tmp_path: Path) -> None:
    if style == "flow":
        body = "description: " + "[" * 600 + "]" * 600 + "\n"
    else:
        body = "description:\n" + "".join("  " * i + "-\n" for i in range(1, 600))
    scenario = write(tmp_path, "deep.yaml", f"extends: {BASELINE}\n{body}")
    outcome = validate_quickly(scenario)
    line = 2 if style == "flow" else 42  # where the 41st level opens
    assert_input_error(outcome, file=str(scenario), line=line, says=("nested more than 40 deep",))


def test_an_extends_chain_of_a_thousand_files_is_refused(tmp_path: Path) -> None:
    for i in range(1000):
        write(tmp_path, f"s{i}.yaml", f"extends: s{i + 1}.yaml\nseed: {i}\n")
    write(tmp_path, "s1000.yaml", f"extends: {BASELINE}\n")
    outcome = validate_quickly(tmp_path / "s0.yaml")
    assert_input_error(outcome, file=str(tmp_path / "s31.yaml"), line=1, key="extends",
                       says=("longer than 32 files",))


def test_a_chain_within_the_limit_loads(tmp_path: Path) -> None:
    for i in range(30):
        write(tmp_path, f"s{i}.yaml", f"extends: s{i + 1}.yaml\nseed: {i}\n")
    write(tmp_path, "s30.yaml", f"extends: {BASELINE}\n")
    outcome = indusco_in_process("validate", tmp_path / "s0.yaml")
    assert outcome.code == 0, outcome.stderr


def test_a_file_beyond_the_size_limit_is_refused(tmp_path: Path) -> None:
    padding = "# " + "x" * 100 + "\n"
    scenario = write(tmp_path, "big.yaml", extending_baseline_padded(padding * 10_000))
    outcome = validate_quickly(scenario)
    assert_input_error(outcome, file=str(scenario), says=("more than the 1,000,000",))


def extending_baseline_padded(padding: str) -> str:
    return f"extends: {BASELINE}\n{padding}"


@pytest.mark.parametrize("kind", ["fifo", "extends-fifo"])
def test_a_fifo_is_refused_without_waiting_for_a_writer(kind: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    scenario = fifo if kind == "fifo" else write(tmp_path, "s.yaml", "extends: pipe.yaml\n")
    outcome = validate_quickly(scenario)
    if kind == "fifo":
        assert_input_error(outcome, file=str(scenario), says=("not a regular file",))
    else:
        assert_input_error(outcome, file=str(scenario), line=1, key="extends", says=("not a regular file",))


def test_a_run_that_would_not_fit_in_memory_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from indusco_sim.experiments import estimate

    monkeypatch.setattr(estimate, "available_bytes", lambda: 600_000_000)
    outcome = indusco_in_process("run", BASELINE, "--out", tmp_path / "res", "--set", SHORT_RUN, "--set",
                                 "population.arrivals_scale=100", "-q")
    message = assert_input_error(outcome, file="--set population.arrivals_scale=100", key="population.arrivals_scale",
                                 says=("would need about", "0.6 GB is free", "of them the refugee waves' job-seekers",
                                       "Valid: population.arrivals_scale of at most "))
    assert "11,6" in message  # 11.6 million worker agents
    assert leftovers(tmp_path) == []


def test_the_memory_refusal_names_the_key_and_line_that_bring_the_agents(tmp_path: Path) -> None:
    """The key with most of the agents, where it is set (file and line, or the scenario file for a default),
    and the most it may be; an ensemble whose runs fit one at a time names --seeds."""
    from indusco_sim.errors import InputError
    from indusco_sim.experiments import estimate
    from indusco_sim.scenario.load import load_scenario

    scenario = write(tmp_path, "many.yaml", f"extends: {BASELINE}\nname: many\npopulation:\n"
                     "  initial_workers: 40000000\n")
    loaded = load_scenario(scenario)
    est = estimate.estimate(loaded.scenario)
    free = est.run_bytes - 1
    with pytest.raises(InputError) as info:
        estimate.check_memory(loaded.scenario, available=free, sources=loaded.sources, path=loaded.path)
    err = info.value
    assert (err.file, err.line, err.key) == (str(scenario), 4, "population.initial_workers")
    room = (free - estimate.BASE_BYTES) // estimate.BYTES_PER_AGENT - (est.agents - 40_000_000)
    assert 0 < room < 40_000_000 and f"population.initial_workers of at most {room:,}" in err.valid
    assert "40,000,000 of them the job-seekers waiting at the start" in err.message
    with pytest.raises(InputError) as info:  # the arrivals, left at their default scale: the scenario file
        estimate.check_memory(load_scenario(BASELINE).scenario, available=400_000_000, path=BASELINE)
    assert (info.value.file, info.value.line, info.value.key) == (str(BASELINE), None, "population.arrivals_scale")
    coops = load_scenario(BASELINE, ["cooperatives.initial=5000000", "cooperatives.initial_size=10"])
    with pytest.raises(InputError) as info:
        estimate.check_memory(coops.scenario, available=1_000_000_000, sources=coops.sources)
    assert info.value.key == "cooperatives.initial" and info.value.file == "--set cooperatives.initial=5000000"
    assert "cooperatives.initial of at most 847,755," in info.value.valid  # ((1 GB - 450 MB) / 64 B - 116,200) / 10
    base = load_scenario(BASELINE)
    one = estimate.estimate(base.scenario).run_bytes
    with pytest.raises(InputError) as info:
        estimate.check_memory(base.scenario, runs=10, workers=4, available=2 * one, sources=base.sources)
    assert info.value.key == "--seeds" and info.value.file is None and "10 runs (4 at a time)" in info.value.message
    assert estimate.check_memory(base.scenario, runs=10, workers=1, available=2 * one) == estimate.estimate(
        base.scenario)


def test_the_estimate_counts_the_baseline_agents() -> None:
    from indusco_sim.experiments.estimate import KEPT_BYTES_PER_MEMBER, describe, estimate, parent_bytes
    from indusco_sim.scenario.load import load_scenario

    est = estimate(load_scenario(BASELINE).scenario)
    assert 100_000 < est.agents < 130_000  # 116,123 agents in the seed-1 run
    assert est.ticks == 230  # the baseline's weekly ticks, 1938-08-05 to 1942-12-31
    # an end between two tick boundaries: the run goes on to the end of that tick, and the estimate counts it
    # (it said 47 ticks where the runs had 48)
    from indusco_sim.model import IndusModel

    for end, tick in (("1939-06-30", "week"), ("1939-06-15", "month"), ("1939-07-06", "week")):
        loaded = load_scenario(BASELINE, [f"time.end={end}", f"time.tick={tick}"])
        assert estimate(loaded.scenario).ticks == IndusModel(loaded.scenario).n_ticks, (end, tick)
    assert "runs of" in describe(est, 100, 2) and "GB" in describe(est, 100_000, 2)
    # the ensemble streams: its parent keeps summaries, not tables (one spill buffer, then 20 kB a member)
    assert parent_bytes(est, 100_000) - parent_bytes(est, 1_000) == 99_000 * KEPT_BYTES_PER_MEMBER
    assert parent_bytes(est, 100) == parent_bytes(est, 50) + 50 * KEPT_BYTES_PER_MEMBER


def test_limits_are_the_documented_ones() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "reliability.md").read_text(encoding="utf-8")
    for value in (yaml_limits.MAX_FILE_BYTES, yaml_limits.MAX_VALUES):
        assert f"{value:,}" in doc
    for value in (yaml_limits.MAX_DEPTH, yaml_limits.MAX_EXTENDS):
        assert f"| {value} |" in doc


def test_serve_refuses_a_bad_scenario_with_one_paragraph(tmp_path: Path) -> None:
    scenario = write(tmp_path, "s.yaml", f"extends: {BASELINE}\ndescription: a\x1bb\n")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcome = indusco("serve", scenario, "--port", port, cwd=tmp_path, timeout=120)
    assert_input_error(outcome, file=str(scenario), line=2, says=("control character",))


def test_serve_warns_when_listening_beyond_loopback() -> None:
    from indusco_sim.viz.server import exposure_warning

    for host, warned in (("127.0.0.1", False), ("0.0.0.0", True)):
        with socket.socket() as sock:
            sock.bind((host, 0))
            warning = exposure_warning(sock)
        assert (warning is not None) == warned
        if warned:
            assert "beyond this machine" in warning and "--host 127.0.0.1" in warning
