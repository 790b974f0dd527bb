"""The ensemble against the archive: median and 10-90% bands with the archive points, nationally and per region."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from indusco_sim.results.plots import region_colours

NATIONAL_PANELS = (("cooperatives", "cooperatives"), ("members", "members (persons)"),
                   ("output_nominal", "output, CN$ per month (nominal)"))
ARCHIVE_METRIC = {"cooperatives": "cooperatives", "members": "members", "output_nominal": "monthly_output_cn_dollars"}


def _band(ax, ens: pd.DataFrame, region: str, metric: str, colour: str, label: str | None = None) -> None:
    rows = ens[(ens["region"] == region) & (ens["metric"] == metric)].sort_values("date")
    if rows.empty:
        return
    ax.fill_between(rows["date"], rows["q10"], rows["q90"], color=colour, alpha=0.25, linewidth=0)
    ax.plot(rows["date"], rows["median"], color=colour, linewidth=1.5, label=label or region)


def _points(ax, figures: list[dict], where, metric: str) -> None:
    """Archive points: filled when inside the band, hollow red when outside; hold-outs as squares."""
    for f in figures:
        if not where(f) or f["metric"] != metric:
            continue
        inside = f["inside"]
        ax.scatter(pd.Timestamp(f["date"]), f["archive"], marker="s" if f["hold_out"] else "D", s=40, zorder=6,
                   facecolors="black" if inside else "none", edgecolors="black" if inside else "#d62728",
                   linewidths=1.5)
        ax.errorbar(pd.Timestamp(f["date"]), f["median"], yerr=[[f["median"] - f["q10"]], [f["q90"] - f["median"]]],
                    color="#555555", capsize=3, zorder=5)
        if f["scope"] not in ("national", "whole region"):
            ax.annotate(f["scope"], (pd.Timestamp(f["date"]), f["archive"]), fontsize=7, xytext=(4, 4),
                        textcoords="offset points")


def plot_history_comparison(ens: pd.DataFrame, figures: list[dict], path: Path, title: str = "") -> None:
    """Top row: national cooperatives, members and output. Below: cooperatives of each region.
    Bands are the ensemble's 10-90% range, lines its median; diamonds are archive figures (filled inside the
    band, hollow red outside; squares are held out of calibration), bars the model's band at that date."""
    regions = [r for r in dict.fromkeys(ens["region"]) if r != "China"]
    colours = region_colours(regions)
    n_rows = 1 + (len(regions) + 2) // 3
    fig, axes = plt.subplots(n_rows, 3, figsize=(15, 3.6 * n_rows), squeeze=False)
    for ax, (metric, label) in zip(axes[0], NATIONAL_PANELS, strict=True):
        _band(ax, ens, "China", metric, "#1f77b4", "model median (10-90%)")
        _points(ax, figures, lambda f: f["region"] == "China", ARCHIVE_METRIC[metric])
        ax.set_title(f"China: {label}")
        ax.legend(fontsize=7, loc="upper left")
    flat = [ax for row in axes[1:] for ax in row]
    for ax, region in zip(flat, regions, strict=False):
        _band(ax, ens, region, "cooperatives", colours[region])
        _points(ax, figures, lambda f, r=region: f["region"] == r, "cooperatives")
        ax.set_title(f"{region}: cooperatives")
    for ax in flat[len(regions):]:
        ax.set_visible(False)
    for ax in axes.flat:
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.suptitle(title or "Model ensemble against the archive")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
