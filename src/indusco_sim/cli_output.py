"""What every command prints through: the consoles for results (stdout) and messages (stderr), and the
one-paragraph failure for bad input. Shared by cli.py and cli_experiments.py, which import nothing of each
other's but `register`."""

from __future__ import annotations

import shutil
import sys

import typer
from rich.console import Console

from indusco_sim.errors import InputError

out_console = Console(width=shutil.get_terminal_size((120, 24)).columns, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(err: InputError) -> None:
    """Print `err` as one paragraph on stderr and exit with its code (2 for bad input)."""
    err_console.print(f"error: {err}", markup=False)
    raise typer.Exit(err.exit_code)


def print_or_write(text: str, out) -> None:
    """`text` on stdout, or into the file `out` (a pathlib.Path); a file that cannot be written is bad input."""
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as err:
        fail(InputError(f"the file cannot be written: {err.strerror or err}", file=f"--out {out}",
                        valid="a file in an existing folder that you may write to"))
