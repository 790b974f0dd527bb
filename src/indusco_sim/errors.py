"""User-facing input errors: one paragraph naming the file, the key path and the line, and what is valid."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar


@dataclass
class InputError(Exception):
    """Bad input from a user: a scenario, a command-line value or a data file. The CLI exits with status 2.

    str() gives one paragraph: "FILE, line N, key 'a.b[2].c': MESSAGE. Valid: WHAT IS VALID."
    """

    exit_code: ClassVar[int] = 2
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
        text = (", ".join(where) + ": " if where else "") + _end_sentence(self.message)
        if self.valid:
            text += f" Valid: {_end_sentence(self.valid)}"
        return one_paragraph(text)


ScenarioError = InputError


class OutputError(InputError):
    """A results folder that could not be written (a full disk, no permission): one paragraph, exit status 1."""

    exit_code: ClassVar[int] = 1


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived: unwinds the run (temporary folders are deleted on the way) to the CLI, which
    exits 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _end_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") and not text.endswith("..") else text.rstrip(".") + "."


def one_paragraph(text: str) -> str:
    """Collapse line breaks (and the blanks around them) to single spaces."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to `word`, else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(choices: Iterable[object], limit: int = 12) -> str:
    """'a, b or c'; a long list is cut after `limit` names with 'and N more'."""
    names = [str(c) for c in choices]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def join_path(loc: Iterable[object]) -> str:
    """('events', 3, 'town') -> 'events[3].town'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
