"""Limits on scenario YAML, checked before a file is parsed into values, so that no file can hang the loader,
fill memory or overflow Python's stack: size, nesting depth, values after alias expansion, `extends` chain.

The check reads PyYAML's event stream (an iterative parser, no recursion) once, keeping counts only.
"""

from __future__ import annotations

import re

import yaml

from indusco_sim.errors import InputError

MAX_FILE_BYTES = 1_000_000  # a scenario file; the baseline is about 10 kB
MAX_DEPTH = 40  # nested mappings and lists; the schema needs 5
MAX_VALUES = 200_000  # scalars, mappings and lists after every alias is expanded; the baseline has about 1,500
MAX_EXTENDS = 32  # files in one `extends` chain
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_text(text: str, file: str) -> None:
    """Refuse control characters and YAML that nests deeper than MAX_DEPTH or expands (through aliases) to
    more than MAX_VALUES values; InputError with the line."""
    _check_characters(text, file)
    sizes: list[int] = []  # values inside each open mapping or list, innermost last
    anchors: dict[str, int] = {}
    anchored: list[str | None] = []
    total = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                sizes.append(1)
                anchored.append(event.anchor)
                if len(sizes) > MAX_DEPTH:
                    raise _too_deep(event, file)
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                size, anchor = sizes.pop(), anchored.pop()
                if anchor:
                    anchors[anchor] = size
                added = size
            elif isinstance(event, yaml.AliasEvent):
                added = anchors.get(event.anchor, 1)
            elif isinstance(event, yaml.ScalarEvent):
                added = 1
                if event.anchor:
                    anchors[event.anchor] = 1
            else:
                continue
            if sizes:
                sizes[-1] += added
            else:
                total += added
            if total + sum(sizes) > MAX_VALUES:
                raise InputError(f"the YAML expands to more than {MAX_VALUES:,} values (aliases such as *name "
                                 "repeat whole values)", file=file, line=event.start_mark.line + 1,
                                 valid=f"a scenario of at most {MAX_VALUES:,} values once aliases are expanded")
    except yaml.YAMLError:
        return  # the full parse reports syntax errors with their line


def _too_deep(event: yaml.Event, file: str) -> InputError:
    return InputError(f"mappings and lists are nested more than {MAX_DEPTH} deep", file=file,
                      line=event.start_mark.line + 1, valid=f"nesting at most {MAX_DEPTH} deep (a scenario needs 5)")


def _check_characters(text: str, file: str) -> None:
    """Control characters other than tab, line feed and carriage return are refused with their line."""
    found = _CONTROL.search(text)
    if found is not None:
        ch = found.group()
        line = text.count("\n", 0, found.start()) + 1
        raise InputError(f"the file holds the control character U+{ord(ch):04X} {_char_name(ch)}", file=file,
                         line=line, valid="printable UTF-8 text (tabs and line breaks are fine)")


def _char_name(ch: str) -> str:
    names = {"\0": "(NUL)", "\x1b": "(ESC)", "\x7f": "(DEL)", "\x0c": "(form feed)", "\x08": "(backspace)"}
    return names.get(ch, "")


def check_size(size: int, file: str) -> None:
    if size > MAX_FILE_BYTES:
        raise InputError(f"the file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a scenario may have",
                         file=file, valid=f"a scenario file of at most {MAX_FILE_BYTES:,} bytes")
