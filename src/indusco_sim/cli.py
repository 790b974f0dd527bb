"""The command line: `indusco run | validate | schema | ...`. Bad input exits with status 2 and one paragraph."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from indusco_sim.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="indusco-sim: the Chinese Industrial Cooperatives, 1938-1952, as an agent-based model.")
out_console = Console()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

ScenarioArg = Annotated[Path, typer.Argument(help="scenario YAML file", show_default=False)]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="override a key: --set time.end=1940-12-31")]


def fail(err: InputError) -> None:
    err_console.print(f"error: {err}", markup=False)
    raise typer.Exit(2)


@app.command()
def run(
    scenario: ScenarioArg,
    out: Annotated[Path | None, typer.Option(help="results folder [default: results/<scenario name>]")] = None,
    set_: SetOpt = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing results folder")] = False,
    backend: Annotated[str, typer.Option(help="numba (compiled arrays) or mesa (one Python agent each)")] = "numba",
    no_plots: Annotated[bool, typer.Option("--no-plots", help="skip the figures")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar or table")] = False,
    animate: Annotated[bool, typer.Option("--animate", help="also write plots/network_growth.gif (a frame a month)")]
    = False,
) -> None:
    """Run a scenario and write its results folder."""
    started = time.perf_counter()
    from indusco_sim.model import BACKENDS

    try:
        if backend not in BACKENDS:
            raise InputError(f"unknown backend '{backend}'", key="--backend", valid=" | ".join(BACKENDS))
        from indusco_sim.scenario import load_scenario

        loaded = load_scenario(scenario, tuple(set_ or ()))
        target = out or Path("results") / loaded.scenario.name
        if target.exists() and not force:
            raise InputError(f"results folder {target} already exists", key="--out",
                             valid="a new folder, or --force to replace it")
        from indusco_sim.animation import MonthlySnapshots
        from indusco_sim.runner import simulate, write_results

        with _progress(quiet) as bar:
            task = bar.add_task("simulating", total=None, date="")

            def advance(model) -> None:
                bar.update(task, total=model.n_ticks, completed=model.tick, date=str(model.date))

            snapshots = MonthlySnapshots() if animate else None
            model, timing = simulate(loaded, backend=backend, progress=advance, snapshots=snapshots)
        result = write_results(model, loaded, target, timing, force, started, plots_on=not no_plots,
                               snapshots=snapshots)
    except InputError as err:
        fail(err)
    if not quiet:
        print_comparison(result.comparison)
        t = result.timing
        out_console.print(f"results: {result.folder}  ({t['ticks']} ticks in {t['ticks_s']:.2f} s; "
                          f"jit {t['jit_s']:.2f} s; wall {t['wall_s']:.2f} s)")


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[date]}"),
                    TextColumn("tick {task.completed}/{task.total}"), TimeElapsedColumn(), console=err_console,
                    disable=quiet, transient=False)


METRIC_LABELS = {"cooperatives": "co-ops", "members": "members", "monthly_output_cn_dollars": "CN$/month"}


def print_comparison(rows: list[dict]) -> None:
    """The run against the archive: one line per archive figure the run covers."""
    table = Table(title="Model against the archive")
    table.add_column("date", no_wrap=True)
    table.add_column("where")
    table.add_column("metric", no_wrap=True)
    for col in ("archive", "model", "error"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in rows:
        where = r["region"] if r["scope"] in ("national", "whole region") else f"{r['region']}: {r['scope']}"
        table.add_row(r["date"], where, METRIC_LABELS.get(r["metric"], r["metric"]), f"{r['archive']:,.0f}",
                      f"{r['model']:,.0f}", f"{100 * r['error']:+.0f}%")
    out_console.print(table)


@app.command()
def validate(scenario: ScenarioArg, set_: SetOpt = None) -> None:
    """Check a scenario (schema, extends, overrides, towns) without running it."""
    from indusco_sim.scenario import load_scenario

    try:
        loaded = load_scenario(scenario, tuple(set_ or ()))
    except InputError as err:
        fail(err)
    s = loaded.scenario
    out_console.print(f"ok: {scenario} is a valid scenario '{s.name}' ({s.time.start} to {s.time.end}, "
                      f"{s.time.tick} ticks, {len(s.events)} events, seed {s.seed})")


@app.command()
def schema(out: Annotated[Path | None, typer.Option(help="write to this file instead of stdout")] = None) -> None:
    """Print the JSON Schema of scenario files (for editor completion and checking)."""
    from indusco_sim.schema import Scenario

    text = json.dumps(Scenario.model_json_schema(), indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


# ---- serve: the browser page (indusco_sim/viz) ---------------------------------------------------------------
@app.command()
def serve(
    scenario: Annotated[Path | None, typer.Argument(help="scenario YAML file; the page's picker lists the YAML "
                                                    "files of its folder [default: the bundled baseline]",
                                                    show_default=False)] = None,
    host: Annotated[str, typer.Option(help="address to listen on (0.0.0.0 exposes the page to the network)")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on")] = 8765,
) -> None:
    """Serve the browser page: the map, charts, sliders, play, step and reset (a Mesa SolaraViz)."""
    from indusco_sim.model import default_scenario
    from indusco_sim.viz.server import serve as serve_page

    try:
        serve_page(scenario or default_scenario(), host, port)
    except InputError as err:
        fail(err)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
