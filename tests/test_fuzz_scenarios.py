"""Fuzzing scenario files through the command line: Hypothesis mutates the baseline (types, values, keys,
nesting, shared values as YAML anchors and aliases, encodings, truncation, control characters) and each file
must validate (and run) or be refused with exit 2 and one paragraph: never a traceback, a hang or a leftover.

Bounded for CI: a fixed number of examples, derandomised (the same files every run), each under a time limit.
`INDUSCO_FUZZ_EXAMPLES=N` runs more.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import BASELINE, Outcome, indusco, indusco_in_process, leftovers

EXAMPLES = int(os.environ.get("INDUSCO_FUZZ_EXAMPLES", "120"))
SECONDS_PER_CASE = 20
BASE = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))


def paths(node: object, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, (*prefix, i))


PATHS = [p for p in paths(BASE) if p and p[0] != "extends"]
NAMES = ["Chengdu", "Baoji", "textiles", "cotton", "week", "month", "proportional", "", "-1", "1e400", "1940-12-31",
         "refugee_wave", "bombing", "x" * 300, "名字", "a\nb"]
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 10), st.sampled_from(NAMES),
    st.text(max_size=12), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.lists(st.integers(0, 5), max_size=3), st.dictionaries(st.sampled_from(["a", "town", "type", "id"]),
                                                             st.integers(0, 3), max_size=2))
KINDS = ("replace", "delete", "unknown-key", "wrap-in-list", "wrap-in-mapping", "scale", "share")
RENDERINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1", "truncate", "control", "flow")


@st.composite
def scenario_bytes(draw) -> bytes:
    """The baseline with 1-4 mutations, rendered as YAML in one of several encodings or corruptions."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        mutate(data, draw(st.sampled_from(KINDS)), draw(st.sampled_from(PATHS)), draw(VALUES),
               draw(st.sampled_from(PATHS)), draw(st.integers(-400, 400)))
    rendering = draw(st.sampled_from(RENDERINGS))
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=rendering == "flow")
    except yaml.YAMLError:
        text = "name: unrepresentable\n"
    if rendering == "truncate":
        return text[: draw(st.integers(0, len(text)))].encode()
    if rendering == "control":
        at = draw(st.integers(0, len(text)))
        return (text[:at] + chr(draw(st.sampled_from([0, 7, 8, 11, 12, 27, 127, 0x85]))) + text[at:]).encode()
    return text.encode("utf-8" if rendering == "flow" else rendering, errors="replace")


def mutate(data: dict, kind: str, path: tuple, value: object, other: tuple, power: int) -> None:
    parent = get(data, path[:-1])
    key = path[-1]
    if parent is None or not has(parent, key):
        return
    if kind == "replace":
        parent[key] = value
    elif kind == "delete":
        del parent[key]
    elif kind == "unknown-key" and isinstance(parent[key], dict):
        parent[key]["unknwon_key"] = value
    elif kind == "wrap-in-list":
        parent[key] = [parent[key]]
    elif kind == "wrap-in-mapping":
        parent[key] = {"value": parent[key]}
    elif kind == "scale" and isinstance(parent[key], int | float) and not isinstance(parent[key], bool):
        parent[key] = parent[key] * 10.0 ** max(-300, min(300, power))
    elif kind == "share":
        source = get(data, other)
        if source is not None and isinstance(source, dict | list):
            parent[key] = source  # dumped as an anchor and an alias


def get(data: object, path: tuple) -> object:
    for part in path:
        if not has(data, part):
            return None
        data = data[part]
    return data


def has(node: object, key: object) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging) when the body takes longer than `seconds`."""
    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_clean(outcome: Outcome, ok_text: str) -> None:
    """Exit 0, or exit 2 with one paragraph that names what is wrong and what is valid; never a traceback."""
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome.stderr
    if outcome.code == 0:
        assert ok_text in outcome.stdout
        return
    message = outcome.stderr.strip()
    assert outcome.code == 2, f"exit {outcome.code}: {message}"
    assert message.startswith("error: ") and "\n" not in message, message
    assert " Valid: " in message, message


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.slow
@FUZZ
@given(scenario_bytes())
def test_fuzzed_scenarios_validate_or_are_refused(tmp_path: Path, content: bytes) -> None:
    scenario = tmp_path / "fuzz.yaml"
    scenario.write_bytes(content)
    with time_limit(SECONDS_PER_CASE):
        outcome = indusco_in_process("validate", scenario)
    assert_clean(outcome, "ok: ")


@pytest.fixture(scope="module")
def compiled() -> None:
    """Compile (or load) the kernels once, outside the per-case time limit."""
    from indusco_sim.core.kernels import warm_up

    warm_up()


@pytest.mark.slow
@settings(FUZZ, max_examples=max(4, EXAMPLES // 20))
@given(scenario_bytes())
def test_fuzzed_scenarios_run_or_are_refused_leaving_nothing_half_written(compiled: None, tmp_path: Path,
                                                                           content: bytes) -> None:
    scenario = tmp_path / "fuzz.yaml"
    scenario.write_bytes(content)
    out = tmp_path / "out"
    for leftover in leftovers(out):  # the folder is shared by examples of one test
        (out / leftover).exists() and _remove(out / leftover)
    with time_limit(4 * SECONDS_PER_CASE):
        outcome = indusco_in_process("run", scenario, "--out", out / "res", "--set", "time.end=1938-08-31",
                                     "--no-plots", "-q")
    assert_clean(outcome, "")
    assert leftovers(out) == (["res"] if outcome.code == 0 else [])


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path)


@pytest.mark.slow
@settings(FUZZ, max_examples=3)
@given(scenario_bytes())
def test_fuzzed_scenarios_through_a_real_process(tmp_path: Path, content: bytes) -> None:
    scenario = tmp_path / "fuzz.yaml"
    scenario.write_bytes(content)
    outcome = indusco("validate", scenario, cwd=tmp_path, timeout=120)
    assert_clean(outcome, "ok: ")
    assert leftovers(tmp_path) == ["fuzz.yaml"]
