"""Sweep commands on the same typer app as cli.py: `indusco sweep | sweep-schema | sensitivity | discover`."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from indusco_sim.cli_output import err_console, fail, out_console, print_or_write
from indusco_sim.errors import InputError

SweepArg = Annotated[Path, typer.Argument(help="sweep YAML file", show_default=False, metavar="SWEEP")]
DirArg = Annotated[Path, typer.Argument(help="a sweep's results folder", show_default=False, metavar="FOLDER")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="override a key of the sweep file: "
                                                  "--set design.points=32 or --set seeds_per_point=4")]


def sweep(
    sweep_file: SweepArg,
    out: Annotated[Path | None, typer.Option(help="sweep folder [default: results/<sweep name>]")] = None,
    set_: SetOpt = None,
    scheduler: Annotated[str | None, typer.Option(help="dask scheduler address [default: a LocalCluster here]")]
    = None,
    workers: Annotated[int | None, typer.Option(min=1, help="local worker processes [default: one per core]")]
    = None,
    resume: Annotated[bool, typer.Option("--resume", help="run only the runs missing from OUT")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="rerun the runs that failed (and the missing)")]
    = False,
    timeseries: Annotated[bool, typer.Option("--timeseries", help="also keep each run's time series (long form)")]
    = False,
    batch_size: Annotated[int, typer.Option(min=1, help="rows per results file")] = 50,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
) -> None:
    """Run a sweep: many points of a scenario's parameters, at several seeds, on dask; resumable."""
    from indusco_sim.experiments import design, ensemble, sweep_runner, sweep_store
    from indusco_sim.experiments.sweep_spec import load_sweep

    started = time.perf_counter()
    try:
        loaded = load_sweep(sweep_file, tuple(set_ or ()))
        plan = design.plan(loaded)
        target = out or Path("results") / loaded.sweep.name
        sweep_hash = loaded.hash()
        exists = sweep_store.check_folder(target, sweep_hash, resume, retry_failed)
        with contextlib.ExitStack() as stack:
            try:  # the cluster first: an unreachable scheduler leaves no folder behind
                client = stack.enter_context(ensemble.dask_client(scheduler, workers))
            except OSError as err:
                raise InputError(f"cannot reach the dask scheduler: {err}", key="--scheduler",
                                 valid="an address such as tcp://10.0.0.5:8786, or leave it out for a local "
                                 "cluster") from None
            if not exists:
                _create_folder(target, sweep_file, loaded, plan, sweep_hash)
            if retry_failed:
                sweep_store.drop_failed(target)
            bar = stack.enter_context(_progress(quiet))
            task = bar.add_task(f"sweep {loaded.sweep.name}", total=len(sweep_runner.todo(plan, target)), failed=0)
            counts = sweep_runner.run_sweep(
                loaded, plan, target, client, timeseries=timeseries, batch_size=batch_size,
                progress=lambda done, failed: bar.update(task, completed=done, failed=failed))
    except InputError as err:
        fail(err)
    except KeyboardInterrupt:
        err_console.print(f"interrupted: the finished runs are kept in {target}; finish with --resume", markup=False)
        raise typer.Exit(130) from None
    wall = time.perf_counter() - started
    if not quiet:
        out_console.print(f"sweep: {target}  ({counts['runs']} runs this time, {counts['failed']} failed, "
                          f"{counts['skipped']} already done; wall {wall:.1f} s, compute {counts['compute_s']:.1f} s)")
    if counts["failed"]:
        err_console.print(f"{counts['failed']} run(s) failed; their rows hold the error. Rerun them with "
                          "--retry-failed.", markup=False)


def _create_folder(target: Path, sweep_file: Path, loaded, plan, sweep_hash: str) -> None:
    """The sweep folder with its manifest (the sweep, versions, git revision, seeds) and design."""
    from indusco_sim.experiments import design, ensemble, sweep_store
    from indusco_sim.results import folder as outputs
    from indusco_sim.scenario.load import dump_yaml

    seeds = ensemble.derive_seeds(loaded.seed, loaded.sweep.seeds_per_point)
    manifest = {"program": "indusco-sim", "kind": "sweep", "sweep_hash": sweep_hash,
                "sweep_file": str(sweep_file), "sweep": loaded.sweep.model_dump(mode="json"),
                "scenario_file": str(loaded.loaded.path), "scenario_hash": loaded.loaded.hash,
                "model_version": design.model_version(), "seed": loaded.seed, "seeds": seeds,
                "points": int(plan["point"].nunique()), "runs": int(plan["run_id"].nunique()),
                "command": " ".join(sys.argv), "versions": outputs.versions(),
                "git_revision": outputs.git_revision()}
    sweep_store.create(target, manifest, plan, {"sweep.yaml": sweep_file.read_text(encoding="utf-8"),
                                                "scenario.resolved.yaml": dump_yaml(loaded.scenario)})


def _progress(quiet: bool) -> Progress:

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("failed {task.fields[failed]}"), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn(), console=err_console, disable=quiet, transient=False)


def sweep_schema(out: Annotated[Path | None, typer.Option(help="write to this file instead of stdout")] = None) -> None:
    """Print the JSON Schema of sweep files."""
    from indusco_sim.experiments.sweep_spec import schema_json

    print_or_write(json.dumps(schema_json(), indent=2) + "\n", out)


def sensitivity(
    folder: DirArg,
    outcome: Annotated[list[str] | None, typer.Option(help="an outcome to analyse; repeat [default: all]")] = None,
    resamples: Annotated[int, typer.Option(min=10, help="bootstrap resamples for the confidence intervals")] = 200,
) -> None:
    """Sobol S1/ST (with intervals) or Morris mu*/sigma, and the share of variance that is seed noise;
    tables and figures in DIR/sensitivity/."""
    from indusco_sim.experiments import sensitivity as sens

    try:
        report = sens.analyse(folder, outcome or None, resamples)
    except InputError as err:
        fail(err)
    out_console.print(report["text"], markup=False, highlight=False)
    out_console.print(f"tables and figures: {folder / 'sensitivity'}")


def discover(
    folder: DirArg,
    where: Annotated[str, typer.Option(help="the runs of interest, a pandas query: \"regions_1942_08 == 7\"")],
    threshold: Annotated[float, typer.Option(help="least density of a box worth reporting")] = 0.8,
    mass_min: Annotated[float, typer.Option(help="least share of runs in a box")] = 0.05,
) -> None:
    """PRIM scenario discovery: boxes of parameter space where the condition holds (coverage, density)."""
    from indusco_sim.experiments import discover as disc

    try:
        report = disc.discover(folder, where, threshold, mass_min)
    except InputError as err:
        fail(err)
    out_console.print(report["text"], markup=False, highlight=False)
    out_console.print(f"boxes and figure: {folder / 'discover'}")


def register(app: typer.Typer) -> None:
    app.command()(sweep)
    app.command("sweep-schema")(sweep_schema)
    app.command()(sensitivity)
    app.command()(discover)
