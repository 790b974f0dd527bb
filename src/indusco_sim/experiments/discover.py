"""Scenario discovery on a finished sweep: PRIM (the Patient Rule Induction Method, from EMA Workbench's
`ema_workbench.analysis.prim`) finds boxes of parameter space where a condition on the outcomes holds.

Each run is a case (its parameters; the seed is not a parameter, so seed noise lowers the density); the
condition is a pandas query on the outcomes, e.g. "regions_1942_08 == 7". Written to DIR/discover/:
boxes.csv (each box's limits per restricted parameter), trajectory.csv (coverage, density, mass of every
peeling step of the first box) and tradeoff.png (the peeling trajectory).
"""

from __future__ import annotations

import difflib
import logging
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from indusco_sim.errors import InputError, did_you_mean
from indusco_sim.experiments.sensitivity import read_sweep


def condition(runs: pd.DataFrame, where: str, folder: Path) -> np.ndarray:
    """The query as a boolean array over finished runs; an InputError naming --where when it cannot be used."""
    try:
        hit = runs.eval(where)
    except Exception as exc:
        outcomes = [c for c in runs.columns if c not in ("run_id", "status", "error", "splits")]
        unknown = re.fullmatch(r"name '(\w+)' is not defined", str(exc))
        if unknown:  # a misspelt column, or a dotted parameter without its backticks: name the likeliest ones
            name = unknown.group(1).removeprefix("BACKTICK_QUOTED_STRING_").replace("_DOT_", ".")
            dotted = [c for c in outcomes if c.startswith(name + ".")]
            if dotted:
                message = f"a parameter's name holds dots: write it in backticks, e.g. `{dotted[0]}`"
            else:
                message = f"no outcome or parameter '{name}' in the sweep{did_you_mean(name, outcomes)}"
            near = dotted or difflib.get_close_matches(name, outcomes, n=8, cutoff=0.5) or outcomes[-8:]
            raise InputError(message, file=str(folder), key="--where",
                             valid="a pandas query on the sweep's columns, e.g. " + ", ".join(map(quoted, near))
                             ) from None
        raise InputError(f"cannot evaluate '{where}': {exc}", file=str(folder), key="--where",
                         valid="a pandas query on outcomes such as " + ", ".join(outcomes[-8:])) from None
    if not isinstance(hit, pd.Series) or hit.dtype != bool:
        raise InputError(f"'{where}' is not a condition (true or false for each run)", file=str(folder),
                         key="--where", valid="a comparison, e.g. \"regions_1942_08 == 7\"")
    return hit.to_numpy()


def quoted(column: str) -> str:
    """A column as a pandas query names it: in backticks unless it is a plain identifier."""
    return column if column.isidentifier() else f"`{column}`"


def choose(traj: pd.DataFrame, threshold: float) -> int:
    """The step of the peeling trajectory with the most coverage among those at least `threshold` dense,
    or the densest step when none is."""
    dense = traj[traj["density"] >= threshold]
    return int(dense["coverage"].idxmax()) if not dense.empty else int(traj["density"].idxmax())


def discover(folder: Path, where: str, threshold: float = 0.8, mass_min: float = 0.05, max_boxes: int = 3) -> dict:
    folder = Path(folder)
    meta, runs = read_sweep(folder)
    runs = runs[runs["status"] == "ok"].reset_index(drop=True)
    keys = list(meta["sweep"]["parameters"])
    hit = condition(runs, where, folder)
    if hit.all() or not hit.any():
        raise InputError(f"'{where}' holds in {int(hit.sum())} of {len(hit)} runs: nothing to tell apart",
                         file=str(folder), key="--where", valid="a condition true for some runs and false for others")
    logging.getLogger("EMA").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        x = runs[keys].astype(float)
        alg = prim.Prim(x, hit.astype(int), mass_min=mass_min)
        boxes = []
        for _ in range(max_boxes):
            box = alg.find_box()
            if box is None:
                break
            box.select(choose(box.peeling_trajectory, threshold))
            if boxes and box.density < threshold:  # later boxes only when they are dense enough
                break
            boxes.append(box)
            if box.density < threshold:
                break
    out = folder / "discover"
    out.mkdir(exist_ok=True)
    rows, lines = [], [f"PRIM on '{where}': {int(hit.sum())} of {len(hit)} runs ({hit.mean():.0%}) hold it"]
    for i, box in enumerate(boxes):
        limits = box.box_lim
        stats = box.peeling_trajectory.iloc[box._cur_box]
        lines.append(f"box {i + 1}: coverage {stats['coverage']:.2f}, density {stats['density']:.2f}, "
                     f"mass {stats['mass']:.2f}")
        for k in keys:
            lo, hi = float(limits[k].iloc[0]), float(limits[k].iloc[1])
            restricted = lo > x[k].min() or hi < x[k].max()
            rows.append({"box": i + 1, "parameter": k, "low": lo, "high": hi, "restricted": restricted,
                         "coverage": float(stats["coverage"]), "density": float(stats["density"]),
                         "mass": float(stats["mass"])})
            if restricted:
                lines.append(f"    {k}: {lo:.4g} to {hi:.4g}")
    table = pd.DataFrame(rows)
    table.to_csv(out / "boxes.csv", index=False, float_format="%.6g")
    if boxes:
        boxes[0].peeling_trajectory.to_csv(out / "trajectory.csv", index=False, float_format="%.6g")
        _plot(boxes[0].peeling_trajectory, out / "tradeoff.png", where)
    return {"boxes": table, "text": "\n".join(lines), "hits": int(hit.sum()), "runs": len(hit)}


def _plot(traj: pd.DataFrame, path: Path, where: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    sc = ax.scatter(traj["coverage"], traj["density"], c=traj["res_dim"], cmap="viridis")
    fig.colorbar(sc, ax=ax, label="restricted parameters")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_title(f"PRIM peeling trajectory: {where}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
