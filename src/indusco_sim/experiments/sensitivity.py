"""Global sensitivity of a finished sweep (SALib): Sobol first-order (S1) and total (ST) indices with
bootstrap confidence intervals for a `sobol` design, Morris mu* (with interval) and sigma for a `morris`
design, Spearman rank correlations for any other design; and for every outcome the share of its variance
across runs that is seed noise (the mean variance between the seeds of one point over the variance of all
runs). Indices use the mean over the seeds of each point.

Written to DIR/sensitivity/: indices.csv/.parquet (outcome, parameter, index, value, conf),
seed_noise.csv/.parquet, and one bar chart with intervals per outcome (figures/<outcome>.png).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from indusco_sim.errors import InputError, did_you_mean
from indusco_sim.experiments import outcomes as outcome_names
from indusco_sim.experiments.design import UNIT
from indusco_sim.experiments.sweep_runner import table


def read_sweep(folder: Path) -> tuple[dict, pd.DataFrame]:
    """The manifest and the design joined with the results; an InputError when `folder` is not a sweep."""
    folder = Path(folder)
    manifest = folder / "manifest.json"
    if not manifest.is_file() or not (folder / "design.parquet").is_file():
        raise InputError(f"{folder} is not a sweep folder (no manifest.json and design.parquet)", file=str(folder),
                         valid="a folder written by `indusco sweep`")
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    runs = table(folder)
    if "status" not in runs.columns or runs["status"].isna().all():
        raise InputError("the sweep has no finished runs yet", file=str(folder),
                         valid="a sweep folder with results (run `indusco sweep ... --resume` to finish it)")
    return meta, runs


def pick_outcomes(meta: dict, runs: pd.DataFrame, wanted: list[str] | None, folder: Path) -> list[str]:
    dates = meta["sweep"].get("region_dates", [])
    known = [n for n in outcome_names.names(pd.to_datetime(dates).date) if n in runs.columns]
    if wanted is None:
        return [n for n in known if runs[n].notna().any()]
    for name in wanted:
        if name not in known:
            raise InputError(f"unknown outcome '{name}'{did_you_mean(name, known)}", file=str(folder),
                             key="--outcome", valid="an outcome the sweep recorded: " + ", ".join(known))
    return list(wanted)


def seed_noise(runs: pd.DataFrame, name: str) -> float:
    """Mean within-point variance (between seeds) over the variance of all runs; NaN with one seed."""
    ok = runs[runs["status"] == "ok"]
    total = ok[name].var(ddof=1)
    within = ok.groupby("point")[name].var(ddof=1).mean()
    if not np.isfinite(total) or not np.isfinite(within):
        return float("nan")
    return float(min(within / total, 1.0)) if total > 0 else 0.0


def indices(meta: dict, runs: pd.DataFrame, name: str, resamples: int) -> tuple[list[dict], str | None]:
    """(rows of outcome, parameter, index, value, conf; a note when the outcome cannot be analysed)."""
    design = meta["sweep"]["design"]
    keys = list(meta["sweep"]["parameters"])
    per_point = runs.groupby("point", sort=True)[name].mean()
    if per_point.isna().any() or len(per_point) < runs["point"].nunique():
        return [], "some points have no value (failed, missing, or the runs end before the date)"
    if np.ptp(per_point.to_numpy()) == 0:
        return [], "the same value at every point"
    y = per_point.to_numpy(dtype=float)
    prob = {"num_vars": len(keys), "names": keys, "bounds": [[0.0, 1.0]] * len(keys)}
    rows = []
    if design["method"] == "sobol":
        from SALib.analyze import sobol

        with warnings.catch_warnings(record=True) as caught:  # said in the notes, not as a raw warning
            warnings.simplefilter("always")
            res = sobol.analyze(prob, y, calc_second_order=design.get("second_order", False),
                                num_resamples=resamples, seed=design.get("seed", 0))
        for j, k in enumerate(keys):
            for idx in ("S1", "ST"):
                rows.append({"parameter": k, "index": idx, "value": float(res[idx][j]),
                             "conf": float(res[f"{idx}_conf"][j])})
        if any(str(w.message) == sobol.CONST_RESULT_MSG for w in caught):
            note = ("the same value at every base sample of the design (only mixed points differ), which SALib "
                    "counts as indices of 0: more points (design.points) would tell")
            return [{"outcome": name, **r} for r in rows], note
    elif design["method"] == "morris":
        from SALib.analyze import morris

        first = runs[runs["seed_index"] == 0].sort_values("point")
        x = first[[UNIT + k for k in keys]].to_numpy(dtype=float)
        res = morris.analyze(prob, x, y, num_resamples=resamples, num_levels=design.get("levels", 4),
                             seed=design.get("seed", 0))
        for j, k in enumerate(keys):
            rows.append({"parameter": k, "index": "mu_star", "value": float(res["mu_star"][j]),
                         "conf": float(res["mu_star_conf"][j])})
            rows.append({"parameter": k, "index": "sigma", "value": float(res["sigma"][j]), "conf": float("nan")})
    else:
        from scipy.stats import spearmanr

        first = runs.groupby("point", sort=True)[keys].first()
        for k in keys:
            rho = spearmanr(first[k].to_numpy(), y).statistic if np.ptp(first[k].to_numpy()) > 0 else float("nan")
            n = len(y)
            conf = 1.96 * (1 - rho**2) / np.sqrt(max(n - 1, 1)) if np.isfinite(rho) else float("nan")
            rows.append({"parameter": k, "index": "spearman", "value": float(rho), "conf": float(conf)})
    return [{"outcome": name, **r} for r in rows], None


def plot(frame: pd.DataFrame, name: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(dict.fromkeys(frame["index"]))
    params = list(dict.fromkeys(frame["parameter"]))
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(params) * len(kinds) + 1.5))
    height = 0.8 / len(kinds)
    for i, kind in enumerate(kinds):
        part = frame[frame["index"] == kind].set_index("parameter").reindex(params)
        pos = np.arange(len(params)) + i * height
        ax.barh(pos, part["value"], height=height, xerr=part["conf"].fillna(0).to_numpy(), capsize=3, label=kind)
    ax.set_yticks(np.arange(len(params)) + 0.4 - height / 2)
    ax.set_yticklabels(params)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_title(name)
    ax.set_xlabel("index (bars: 95% interval)" if kinds != ["spearman"] else "Spearman rank correlation")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def analyse(folder: Path, wanted: list[str] | None, resamples: int = 200) -> dict:
    folder = Path(folder)
    meta, runs = read_sweep(folder)
    names = pick_outcomes(meta, runs, wanted, folder)
    rows, noise, notes = [], [], []
    for name in names:
        got, note = indices(meta, runs, name, resamples)
        rows += got
        noise.append({"outcome": name, "seed_variance_share": seed_noise(runs, name), "runs": int(runs[name].notna()
                                                                                                 .sum())})
        if note:
            notes.append(f"{name}: {note}" if got else f"{name}: not analysed ({note})")
    out = folder / "sensitivity"
    (out / "figures").mkdir(parents=True, exist_ok=True)
    ind = pd.DataFrame(rows, columns=["outcome", "parameter", "index", "value", "conf"])
    nz = pd.DataFrame(noise, columns=["outcome", "seed_variance_share", "runs"])
    for frame, stem in ((ind, "indices"), (nz, "seed_noise")):
        frame.to_csv(out / f"{stem}.csv", index=False, float_format="%.6g")
        frame.to_parquet(out / f"{stem}.parquet", index=False)
    for name, part in ind.groupby("outcome", sort=False):
        plot(part, name, out / "figures" / f"{name}.png")
    return {"indices": ind, "seed_noise": nz, "notes": notes, "text": _text(ind, nz, notes, meta)}


def _text(ind: pd.DataFrame, nz: pd.DataFrame, notes: list[str], meta: dict) -> str:
    lines = [f"sensitivity of sweep '{meta['sweep']['name']}' ({meta['sweep']['design']['method']} design, "
             f"{meta['runs']} runs)"]
    noise = nz.set_index("outcome")["seed_variance_share"]
    for name, part in ind.groupby("outcome", sort=False):
        main = part["index"].iloc[-1] if part["index"].iloc[0] == "S1" else part["index"].iloc[0]
        top = part[part["index"] == main].reindex(part[part["index"] == main]["value"].abs()
                                                  .sort_values(ascending=False).index)
        ranked = ", ".join(f"{r.parameter} {r.value:.2f}±{r.conf:.2f}" for r in top.head(3).itertuples())
        share = noise.get(name, float("nan"))
        said = f"{share:.0%} of variance" if np.isfinite(share) else "not measured (no point has two finished runs)"
        lines.append(f"  {name}: {main} {ranked}; seed noise {said}")
    lines += [f"  {n}" for n in notes]
    return "\n".join(lines)
