"""The command line: `indusco run | validate | schema | ...`. Bad input exits with status 2 and one paragraph."""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from indusco_sim import signals
from indusco_sim.cli_output import err_console, fail, out_console, print_or_write
from indusco_sim.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="indusco-sim: the Chinese Industrial Cooperatives, 1938-1952, as an agent-based model.")

ScenarioArg = Annotated[Path, typer.Argument(help="scenario YAML file", show_default=False, metavar="SCENARIO")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="override a key: --set time.end=1940-12-31")]


@app.command()
def run(
    scenario: ScenarioArg,
    out: Annotated[Path | None, typer.Option(help="results folder [default: results/<scenario name>]")] = None,
    set_: SetOpt = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing results folder")] = False,
    backend: Annotated[str, typer.Option(help="numba (compiled arrays) or mesa (one Python agent each)")] = "numba",
    no_plots: Annotated[bool, typer.Option("--no-plots", help="skip the figures")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar or table")] = False,
    seeds: Annotated[int, typer.Option(min=1, help="ensemble: this many runs, seeds derived from the scenario's "
                                       "seed with numpy SeedSequence")] = 1,
    scheduler: Annotated[str | None, typer.Option(help="dask scheduler address for ensembles "
                                                  "[default: a LocalCluster started here]")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="worker processes of the local cluster "
                                                "[default: one per core]")] = None,
    animate: Annotated[bool, typer.Option("--animate", help="also write plots/network_growth.gif (a frame a month)")]
    = False,
) -> None:
    """Run a scenario (or an ensemble with --seeds N) and write its results folder."""
    started = time.perf_counter()
    # mesa first: mesa.model names its logger with inspect.stack(), whose cost grows with the modules already
    # loaded. Imported before pandas, numba and pydantic it took 0.21 s instead of 0.49 s (median of 5 runs
    # each under `python -X importtime`, interleaved, 2026-12-03).
    import mesa  # noqa: F401

    from indusco_sim.backends.contract import BACKENDS

    try:
        if backend not in BACKENDS:
            raise InputError(f"unknown backend '{backend}'", key="--backend", valid=" | ".join(BACKENDS))
        from indusco_sim.scenario.load import load_scenario

        loaded = load_scenario(scenario, tuple(set_ or ()))
        from indusco_sim.results.claim import claim
        from indusco_sim.results.folder import check_target

        target = check_target(out or Path("results") / loaded.scenario.name, force)
        if seeds > 1:
            if backend != "numba":
                raise InputError("ensembles run on the numba backend", key="--backend", valid="numba with --seeds")
            if animate:
                raise InputError("--animate draws a single run", key="--animate", valid="--animate without --seeds")
            from indusco_sim.experiments.ensemble import check_scheduler

            check_scheduler(scheduler)
            with claim(target):
                run_ensemble(loaded, target, seeds, force, started, scheduler, workers, quiet)
            return
        from indusco_sim.experiments.estimate import check_memory
        from indusco_sim.experiments.single import simulate, write_results
        from indusco_sim.results.animation import MonthlySnapshots

        check_memory(loaded.scenario, sources=loaded.sources, path=loaded.path)
        with claim(target), _progress(quiet) as bar:
            task = bar.add_task("simulating", total=None, date="")

            def advance(model) -> None:
                signals.check()  # a signal whose exception numba's compiler dropped stops the run here
                bar.update(task, total=model.n_ticks, completed=model.tick, date=str(model.date))

            snapshots = MonthlySnapshots() if animate else None
            model, timing = simulate(loaded, backend=backend, progress=advance, snapshots=snapshots)
            bar.stop()
            result = write_results(model, loaded, target, timing, force, started, plots_on=not no_plots,
                                   snapshots=snapshots)
    except InputError as err:
        fail(err)
    if not quiet:
        print_comparison(result.comparison)
        t = result.timing
        out_console.print(f"results: {result.folder}  ({t['ticks']} ticks in {t['ticks_s']:.2f} s; "
                          f"jit {t['jit_s']:.2f} s; wall {t['wall_s']:.2f} s)")


def run_ensemble(loaded, target: Path, n: int, force: bool, started: float, scheduler: str | None,
                 workers: int | None, quiet: bool) -> None:
    """Run n seeds in dask worker processes with one progress bar, then write the ensemble folder."""
    from indusco_sim.experiments import ensemble
    from indusco_sim.experiments.ensemble_stream import run_and_write
    from indusco_sim.experiments.estimate import check_memory, describe

    seeds = ensemble.derive_seeds(loaded.scenario.seed, n)
    at_once = workers or max(1, os.cpu_count() or 1)
    est = check_memory(loaded.scenario, n, 1 if scheduler else at_once, sources=loaded.sources, path=loaded.path)
    if not quiet or est.run_seconds * n / at_once > 60:
        err_console.print(describe(est, n, at_once), markup=False)
    try:  # runs stream into the folder as they finish (a bounded window; the parent never holds them all)
        with ensemble.dask_client(scheduler, workers) as client, _progress(quiet) as bar:
            task = bar.add_task(f"{n} runs", total=n, date="")
            report, timing = run_and_write(loaded, target, seeds, force, started, scheduler, client,
                                           lambda done: bar.update(task, completed=done))
    except OSError as err:
        raise InputError(f"cannot reach the dask scheduler: {err}", key="--scheduler",
                         valid="an address such as tcp://10.0.0.5:8786, or leave it out for a local cluster") from None
    if not quiet:
        print_calibration(report)
        out_console.print(f"results: {target}  ({n} runs; wall {timing['wall_s']:.2f} s)")


def print_calibration(report: dict) -> None:
    """Each archive figure against the ensemble's median and 10-90% band."""
    table = Table(title="Ensemble against the archive (hold-out figures marked *)")
    for col, justify in (("date", "left"), ("where", "left"), ("metric", "left"), ("archive", "right"),
                         ("median", "right"), ("10-90%", "right"), ("error", "right"), ("in band", "left")):
        table.add_column(col, justify=justify, no_wrap=col != "where")
    for r in report["figures"]:
        where = r["region"] if r["scope"] in ("national", "whole region") else f"{r['region']}: {r['scope']}"
        table.add_row(r["date"] + ("*" if r["hold_out"] else ""), where, METRIC_LABELS.get(r["metric"], r["metric"]),
                      f"{r['archive']:,.0f}", f"{r['median']:,.0f}", f"{r['q10']:,.0f}-{r['q90']:,.0f}",
                      f"{100 * r['error']:+.0f}%", "yes" if r["inside"] else "no")
    out_console.print(table)
    for day, c in report["regions"].items():
        out_console.print(f"regions on {day}: median {c['median']:g} (range {c['min']}-{c['max']})")
    splits: dict[tuple, list] = {}
    for s in report["splits"]:
        splits.setdefault((s["parent"], s["region"]), []).append(s["date"])
    for (parent, region), dates in sorted(splits.items()):
        out_console.print(f"split {parent} -> {region}: {len(dates)} runs, first {min(dates)}, last {max(dates)}")


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[date]}"),
                    TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err_console,
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
def calibrate(
    scenario: ScenarioArg,
    param: Annotated[list[str], typer.Option(help="a parameter to fit: key.path=LOW:HIGH[:log]; repeat")],
    seeds: Annotated[int, typer.Option(min=1, help="runs per trial (the same seeds in every trial)")] = 4,
    trials: Annotated[int, typer.Option(min=1, help="optuna trials")] = 30,
    out: Annotated[Path | None, typer.Option(help="folder [default: results/<name>-calibration]")] = None,
    set_: SetOpt = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing folder")] = False,
    scheduler: Annotated[str | None, typer.Option(help="dask scheduler address [default: local cluster]")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="local worker processes [default: one per core]")] = None,
    regions: Annotated[bool, typer.Option("--regions", help="also fit the region targets: five regions on "
                                          "1940-05-31, seven on 1942-08-31, the record's splits")] = False,
) -> None:
    """Fit parameters to the archive figures up to Dec 1940; write a scenario that extends SCENARIO."""
    started = time.perf_counter()
    try:
        from indusco_sim.experiments import calibrate as cal
        from indusco_sim.experiments import ensemble
        from indusco_sim.results import folder as outputs
        from indusco_sim.scenario.load import load_scenario

        loaded = load_scenario(scenario, tuple(set_ or ()))
        ranges = [cal.parse_param(p, loaded.scenario) for p in param]
        target = out or Path("results") / f"{loaded.scenario.name}-calibration"
        target = outputs.check_target(target, force)
        ensemble.check_scheduler(scheduler)
        from indusco_sim.results.claim import claim

        with claim(target), ensemble.dask_client(scheduler, workers) as client, _progress(False) as bar:
            task = bar.add_task("trials", total=trials, date="")
            study, seed_list = cal.fit(loaded.scenario, ranges, seeds, trials, client,
                                       lambda k, best: bar.update(task, completed=k, date=f"best {best:.4f}"),
                                       regions=regions)
        best = study.best_trial
        with outputs.atomic_folder(target, force=force) as tmp:
            (tmp / "fitted.yaml").write_text(cal.fitted_yaml(scenario, target, loaded.scenario.name, best.params,
                                                             seeds, trials, best.value), encoding="utf-8")
            study.trials_dataframe().to_csv(tmp / "trials.csv", index=False)
            outputs.write_json(tmp / "report.json", {
                "scenario": str(scenario), "seeds": seed_list, "trials": trials, "objective": best.value,
                "region_targets": regions,
                "best": best.params, "figures": best.user_attrs.get("figures", []),
                "ranges": [r.__dict__ for r in ranges], "wall_s": round(time.perf_counter() - started, 2),
                "versions": outputs.versions(), "git_revision": outputs.git_revision()})
    except InputError as err:
        fail(err)
    out_console.print(f"best objective {best.value:.4f} with " + ", ".join(f"{k}={v:.4g}" for k, v in
                                                                          best.params.items()))
    out_console.print(f"fitted scenario: {target / 'fitted.yaml'}")


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="the two smallest rungs only (under 3 minutes)")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="write the report here "
                                                   "[default: benchmarks/results/<date>-<rev>.json]")] = None,
    min_ratio: Annotated[float, typer.Option(help="exit 1 if numba/mesa on the smallest rung is below this")] = 0.0,
) -> None:
    """Run the benchmark ladder (numba against the Mesa way) and print a markdown table."""
    from indusco_sim.bench import ladder

    with err_console.status("benchmarks") as status:
        report = ladder.run_ladder(quick, progress=lambda what: status.update(f"benchmarks: {what}"))
    path = ladder.write_report(report, json_path)
    out_console.print(ladder.markdown(report), markup=False, highlight=False)
    out_console.print(f"report: {path}")
    smallest = next(iter(report["rungs"].values()))
    ratio = smallest.get("ratio")
    if min_ratio and (ratio is None or ratio < min_ratio or not smallest.get("identical")):
        err_console.print(f"error: numba/mesa on the smallest rung is {ratio}x (identical results: "
                          f"{smallest.get('identical')}); the floor is {min_ratio:g}x", markup=False)
        raise typer.Exit(1)


@app.command()
def validate(scenario: ScenarioArg, set_: SetOpt = None) -> None:
    """Check a scenario (schema, extends, overrides, towns) without running it."""
    from indusco_sim.scenario.load import load_scenario

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
    from indusco_sim.scenario.file_schema import file_schema

    print_or_write(json.dumps(file_schema(), indent=2) + "\n", out)


# ---- serve: the browser page (indusco_sim/viz) ---------------------------------------------------------------
@app.command()
def serve(
    scenario: Annotated[Path | None, typer.Argument(help="scenario YAML file; the page's picker lists the YAML "
                                                    "files of its folder [default: the bundled baseline]",
                                                    show_default=False, metavar="SCENARIO")] = None,
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
    from indusco_sim.errors import Stopped

    signals.install()
    try:
        app()
    except Stopped as stop:
        _stopped(stop)
    except Exception:
        if signals.received is None:
            raise
        _stopped(Stopped(signals.received))  # it arrived inside compiled code, which raised its own error
    finally:
        # The interpreter's exit collects garbage several times over every object the run made or imported:
        # 0.58-0.68 s after a baseline run, 0.11-0.12 s with them frozen (out of the collector's sight; atexit
        # handlers and weakref finalizers still run, and every file has been closed). Measured 2026-12-04.
        gc.freeze()


def _stopped(stop) -> None:
    """One line, then exit at once: the run has cleaned up; interpreter shutdown (dask's threads) is skipped."""
    err_console.print(signals.message(stop), markup=False)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(signals.exit_code(stop))


from indusco_sim.cli_experiments import register  # noqa: E402  (sweep, sweep-schema, sensitivity, discover)

register(app)


if __name__ == "__main__":
    main()
