"""Mutation testing of the kernels, the schema, the results writer and the archive comparison (`make mutate`).

Runs cosmic-ray (https://cosmic-ray.readthedocs.io) session by session as tools/mutation/config.toml says, one
mutant at a time, and prints the score of each group: killed / (killed + survived). A mutant whose tests time
out counts as killed; one skipped by a filter counts in neither. Exit 1 if the overall score is below
--min-score (default 90) or a session's tests fail on the unmutated code.

    python tools/mutation/mutate.py                      # every session, from scratch
    python tools/mutation/mutate.py schema writer        # some sessions (or groups) only
    python tools/mutation/mutate.py --report             # the scores and survivors of the last run
    python tools/mutation/mutate.py --rerun-survivors    # judge the last run's survivors again (new tests)

Sessions live in .mutation/ (git-ignored): NAME.toml (the config cosmic-ray reads) and NAME.sqlite (its
work database; `cr-report .mutation/NAME.sqlite --show-output` shows every mutant). cosmic-ray edits the
source file on disk for each mutant and puts it back; the driver also keeps a copy in .mutation/backup/ while
a session runs, so a run killed mid-mutant has its files restored by the next one.
"""

from __future__ import annotations

import argparse
import ast
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("config.toml")
WORK = ROOT / ".mutation"
BACKUP = WORK / "backup"
RUNNING = WORK / "running.pid"  # the pid of the run using .mutation/ and mutating sources
BIN = Path(sys.executable).parent
PYTEST = "-m pytest -x -q -p no:cacheprovider"


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def session_config(shared: dict, name: str, session: dict) -> str:
    """The cosmic-ray config of one session: the shared [cosmic-ray] settings, its modules and test command."""
    env = [f"{k}={v}" for k, v in session.get("env", {}).items()]
    command = shlex.join([*(["env", *env] if env else []), sys.executable, *PYTEST.split(),
                          *session.get("pytest-args", []), *session["tests"]])
    excluded = [*shared["filters"]["operators-filter"]["exclude-operators"], *session.get("exclude-operators", [])]
    lines = ["# written by tools/mutation/mutate.py from tools/mutation/config.toml", "[cosmic-ray]",
             f"module-path = {toml_value(session['modules'])}",
             f"excluded-modules = {toml_value(shared.get('excluded-modules', []))}",
             f"timeout = {toml_value(float(session.get('timeout', shared['timeout'])))}",
             f"test-command = {toml_value(command)}", "", "[cosmic-ray.distributor]",
             f"name = {toml_value(shared['distributor']['name'])}", "",
             "[cosmic-ray.filters.operators-filter]", f"exclude-operators = {toml_value(excluded)}", ""]
    return "\n".join(lines)


def default_number_spans(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions (line, 0-based column) of a schema's default values: the first argument of each
    `param(...)` call and the bodies of the `_default_*` functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "param" and node.args:
            arg = node.args[0]
            spans.append(((arg.lineno, arg.col_offset), (arg.end_lineno, arg.end_col_offset)))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_default_"):
            spans.append(((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)))
    return spans


def decorator_spans(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions of every decorator expression of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [((d.lineno, d.col_offset), (d.end_lineno, d.end_col_offset)) for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for d in node.decorator_list]


def annotation_spans(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions of the parameter and return annotations of every function of a module that has
    `from __future__ import annotations` (there they are strings, never evaluated)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    future = any(isinstance(node, ast.ImportFrom) and node.module == "__future__"
                 and any(a.name == "annotations" for a in node.names) for node in tree.body)
    if not future:
        return []
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *(p for p in (a.vararg, a.kwarg) if p)]
            for ann in [*(p.annotation for p in params), node.returns]:
                if ann is not None:
                    spans.append(((ann.lineno, ann.col_offset), (ann.end_lineno, ann.end_col_offset)))
    return spans


def skip_within(db_path: Path, spans_of, operator: str | None, reason: str) -> int:
    """Mark the mutants (of `operator`, or any) that start inside spans_of(module) as skipped, cosmic-ray's
    outcome for a filtered mutant. Returns their count."""
    con = sqlite3.connect(db_path)
    query = "SELECT job_id, module_path, start_pos_row, start_pos_col FROM mutation_specs"
    rows = con.execute(query + (" WHERE operator_name = ?" if operator else ""), (operator,) if operator else ())
    spans: dict[str, list] = {}
    skipped = []
    for job_id, module, row, col in rows.fetchall():
        if module not in spans:
            spans[module] = spans_of(ROOT / module)
        if any(a <= (row, col) < b for a, b in spans[module]):
            skipped.append(job_id)
    done = {r[0] for r in con.execute("SELECT job_id FROM work_results")}
    con.executemany("INSERT INTO work_results (job_id, worker_outcome, output, test_outcome, diff) "
                    "VALUES (?, 'SKIPPED', ?, NULL, NULL)", [(j, reason) for j in skipped if j not in done])
    con.commit()
    con.close()
    return len(skipped)


def restore_backups() -> None:
    """Put back the sources a killed run left mutated (their copies in .mutation/backup/)."""
    if not BACKUP.exists():
        return
    for copy in BACKUP.rglob("*.py"):
        source = ROOT / copy.relative_to(BACKUP)
        if source.read_bytes() != copy.read_bytes():
            print(f"restoring {source.relative_to(ROOT)}: an earlier run was stopped while it was mutated")
            shutil.copy2(copy, source)
    shutil.rmtree(BACKUP)


def run(*args: str) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def run_session(shared: dict, name: str, session: dict, rerun: bool) -> float:
    """Initialise (unless rerun), filter and execute one session; returns its wall time in seconds."""
    cfg, db = WORK / f"{name}.toml", WORK / f"{name}.sqlite"
    cfg.write_text(session_config(shared, name, session), encoding="utf-8")
    start = time.monotonic()
    if rerun:
        if not db.exists():
            print(f"{name}: no earlier session to rerun")
            return 0.0
        con = sqlite3.connect(db)
        n = con.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'").rowcount
        con.commit()
        con.close()
        print(f"{name}: judging {n} survivors again")
    else:
        run(BIN / "cosmic-ray", "init", cfg, db, "--force")
        run(BIN / "cr-filter-operators", db, cfg)
        run(BIN / "cr-filter-pragma", db)
        if session.get("skip-default-numbers"):
            n = skip_within(db, default_number_spans, "core/NumberReplacer", "skip-default-numbers")
            print(f"{name}: {n} mutants of default values skipped")
        print(f"{name}: {skip_within(db, annotation_spans, None, 'skip-annotations')} mutants of annotations skipped")
        if session.get("skip-decorators"):
            print(f"{name}: {skip_within(db, decorator_spans, None, 'skip-decorators')} mutants of decorators skipped")
        print(f"{name}: checking that the tests pass on the unmutated code")
        run(BIN / "cosmic-ray", "baseline", cfg)
    BACKUP.mkdir(parents=True, exist_ok=True)
    for module in session["modules"]:
        (BACKUP / module).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / module, BACKUP / module)
    try:
        run(BIN / "cosmic-ray", "exec", cfg, db)
    finally:
        restore_backups()
    return time.monotonic() - start


def results(name: str) -> dict:
    """Counts and survivors of a session's database."""
    con = sqlite3.connect(WORK / f"{name}.sqlite")
    rows = con.execute(
        "SELECT s.module_path, s.start_pos_row, s.operator_name, r.worker_outcome, r.test_outcome, r.diff, "
        "r.output FROM mutation_specs s LEFT JOIN work_results r ON r.job_id = s.job_id "
        "ORDER BY s.module_path, s.start_pos_row, s.operator_name").fetchall()
    con.close()
    out = {"killed": 0, "timeout": 0, "survived": 0, "skipped": 0, "other": 0, "pending": 0, "survivors": []}
    for module, line, op, worker, test, diff, output in rows:
        if worker is None:
            out["pending"] += 1
        elif worker == "SKIPPED":
            out["skipped"] += 1
        elif test == "SURVIVED":
            out["survived"] += 1
            change = [d[1:].strip() for d in (diff or "").splitlines()
                      if d.startswith("+") and not d.startswith("+++")]
            out["survivors"].append((module, line, op.removeprefix("core/"), change[0] if change else ""))
        elif test == "KILLED":
            out["timeout" if output == "timeout" else "killed"] += 1
        else:
            out["other"] += 1  # incompetent: the mutant could not be made or run
    return out


def report(config: dict, names: list[str]) -> float:
    """Print the score per group and overall and every survivor; returns the overall score (percent)."""
    groups: dict[str, dict] = {}
    for name in names:
        if not (WORK / f"{name}.sqlite").exists():
            continue
        res = results(name)
        group = groups.setdefault(config["sessions"][name]["group"], {"survivors": []})
        for key, value in res.items():
            if key == "survivors":
                group[key] += value
            else:
                group[key] = group.get(key, 0) + value
    total = {"killed": 0, "timeout": 0, "survived": 0, "skipped": 0}
    print(f"\n{'group':10} {'mutants':>8} {'killed':>7} {'timeout':>8} {'survived':>9} {'skipped':>8} {'score':>7}")
    for group, res in groups.items():
        judged = res["killed"] + res["timeout"] + res["survived"]
        score = 100.0 * (res["killed"] + res["timeout"]) / judged if judged else 0.0
        print(f"{group:10} {judged:8d} {res['killed']:7d} {res['timeout']:8d} {res['survived']:9d} "
              f"{res['skipped']:8d} {score:6.1f}%" + (f"  ({res['pending']} not run)" if res["pending"] else "")
              + (f"  ({res['other']} incompetent)" if res["other"] else ""))
        for key in total:
            total[key] += res[key]
    judged = total["killed"] + total["timeout"] + total["survived"]
    score = 100.0 * (total["killed"] + total["timeout"]) / judged if judged else 0.0
    print(f"{'overall':10} {judged:8d} {total['killed']:7d} {total['timeout']:8d} {total['survived']:9d} "
          f"{total['skipped']:8d} {score:6.1f}%")
    for group, res in groups.items():
        if res["survivors"]:
            print(f"\nsurvivors, {group}:")
        for module, line, op, change in res["survivors"]:
            print(f"  {module}:{line}  {op}  ->  {change}")
    return score


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="sessions or groups (default: all)")
    parser.add_argument("--report", action="store_true", help="only print the last run's scores and survivors")
    parser.add_argument("--rerun-survivors", action="store_true", help="judge the last run's survivors again")
    parser.add_argument("--min-score", type=float, default=90.0, help="exit 1 below this overall score (percent)")
    args = parser.parse_args(argv)
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    shared = config["cosmic-ray"]
    sessions = config["sessions"]
    names = [n for n in sessions if not args.names or n in args.names or sessions[n]["group"] in args.names]
    unknown = set(args.names) - set(sessions) - {s["group"] for s in sessions.values()}
    if unknown:
        parser.error(f"unknown session or group: {', '.join(sorted(unknown))}")
    WORK.mkdir(exist_ok=True)
    other = running()
    if other and not args.report:
        print(f"another mutation run (pid {other}) is using .mutation/; wait for it, or stop it", file=sys.stderr)
        return 1
    if not args.report:
        RUNNING.write_text(str(os.getpid()), encoding="utf-8")
        try:
            restore_backups()
            signal.signal(signal.SIGTERM, _interrupt)  # a kill stops cosmic-ray too, and the sources are put back
            code = execute(shared, sessions, names, args.rerun_survivors)
        finally:
            RUNNING.unlink(missing_ok=True)
        if code:
            return code
    score = report(config, names)
    return 0 if score >= args.min_score else 1


def running() -> int | None:
    """The pid of a live mutation run using .mutation/, if any."""
    try:
        pid = int(RUNNING.read_text(encoding="utf-8"))
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def execute(shared: dict, sessions: dict, names: list[str], rerun: bool) -> int:
    """Run the sessions one after another; 1 if one could not run (its tests fail on the unmutated code)."""
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    for name in names:
        try:
            seconds = run_session(shared, name, sessions[name], rerun)
        except subprocess.CalledProcessError as exc:
            print(f"{name}: {shlex.join(map(str, exc.cmd))} failed (exit {exc.returncode})", file=sys.stderr)
            return 1
        print(f"{name}: {seconds / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
