"""User-facing input errors: one paragraph naming the file, the key path and the line, and what is valid."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class InputError(Exception):
    """Bad input from a user: a scenario, a command-line value or a data file. The CLI exits with status 2."""

    message: str
    file: str | None = None
    key: str | None = None
    line: int | None = None
    valid: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.line:
            where.append(f"line {self.line}")
        if self.key:
            where.append(f"key '{self.key}'")
        text = (", ".join(where) + ": " if where else "") + self.message.rstrip(".") + "."
        if self.valid:
            text += f" Valid: {self.valid.rstrip('.')}."
        return text


ScenarioError = InputError


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to `word`, else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def join_path(loc: Iterable[object]) -> str:
    """('events', 3, 'town') -> 'events[3].town'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
