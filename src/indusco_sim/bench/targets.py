"""The performance targets (issues 3 and 14) and how a ladder report (bench/ladder.py) measures up to them."""

from __future__ import annotations

# name: (what is measured, the bound, "min" if the figure must reach the bound, "max" if it must stay under it)
TARGETS = {
    "ratio_10k": ("numba/mesa on rung_10k, same ticks, identical tables", 100.0, "min"),
    "ticks_per_s_1m": ("ticks/s on rung_1m (1M workers)", 500.0, "min"),
    "ticks_per_s_4m": ("ticks/s on rung_4m (4M workers, 100k co-ops)", 100.0, "min"),
    "bytes_per_worker_4m": ("peak RSS bytes per worker on rung_4m", 200.0, "max"),
    "ticks_per_s_full": ("ticks/s on rung_full (every displaced person an agent), whole run", 50.0, "min"),
    "bytes_per_worker_full": ("peak RSS bytes per worker on rung_full", 40.0, "max"),
    "empty_tick_us": ("µs a tick with no agents (rung_empty)", 50.0, "max"),
    "bandwidth_fraction": ("movement's share of its copy-bandwidth bound, the least over rungs of 100k+", 0.2,
                           "min"),
    "exponent": ("time per tick against workers, fitted exponent", 1.1, "max"),
    "warm_start_s": ("model built to first tick done, warm cache, the slowest rung", 2.0, "max"),
    "cold_jit_s": ("every kernel compiled from an empty cache (s)", 30.0, "max"),
    "run_warm_s": ("`indusco run scenarios/baseline.yaml`, plots included, warm cache (s)", 2.5, "max"),
    "run_cold_s": ("the same run with an empty numba cache (s)", 30.0, "max"),
}


def _numba(report: dict, rung: str, key: str) -> float | None:
    row = report["rungs"].get(rung)
    return None if row is None else row["numba"][key]


def measured(report: dict) -> dict[str, float | None]:
    """Each target's figure in the report; None where this ladder did not measure it (--quick)."""
    rungs = report["rungs"]
    ten = rungs.get("rung_10k", {})
    big = [r["movement_bandwidth_fraction"] for name, r in rungs.items() if name not in ("rung_10k", "rung_full")]
    return {
        "ratio_10k": ten.get("ratio") if ten.get("identical") else None,
        "ticks_per_s_1m": _numba(report, "rung_1m", "ticks_per_s"),
        "ticks_per_s_4m": _numba(report, "rung_4m", "ticks_per_s"),
        "bytes_per_worker_4m": _numba(report, "rung_4m", "peak_bytes_per_worker"),
        "ticks_per_s_full": _numba(report, "rung_full", "ticks_per_s"),
        "bytes_per_worker_full": _numba(report, "rung_full", "peak_bytes_per_worker"),
        "empty_tick_us": report.get("empty_tick_us"),
        "bandwidth_fraction": min(big) if big else None,
        "exponent": report.get("exponent"),
        "warm_start_s": max(r["numba"]["warm_start_s"] for r in rungs.values()) if rungs else None,
        "cold_jit_s": report.get("cold_jit_s"),
        "run_warm_s": report.get("run_warm_s"),
        "run_cold_s": report.get("run_cold_s"),
    }


def met(value: float | None, bound: float, kind: str) -> bool | None:
    """Whether a figure meets its bound; None when it was not measured (or is not a number)."""
    if value is None or value != value:
        return None
    return value >= bound if kind == "min" else value <= bound


def markdown_rows(report: dict) -> list[str]:
    """A table of every target: what, the figure, the bound, and whether it is met."""
    figures = measured(report)
    lines = ["| target | measured | bound | met |", "|---|---|---|---|"]
    for name, (what, bound, kind) in TARGETS.items():
        value = figures[name]
        verdict = {True: "yes", False: "**no**", None: "not measured"}[met(value, bound, kind)]
        shown = "-" if value is None else f"{value:.4g}"
        lines.append(f"| {what} | {shown} | {'>=' if kind == 'min' else '<='} {bound:g} | {verdict} |")
    return lines
