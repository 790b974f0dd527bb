"""Scenario loading: YAML with line numbers, `extends:` with deep merge, `--set` overrides, validation.

Every error becomes one `InputError` that names the file, the key path and the line.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from indusco_sim.errors import InputError, join_path
from indusco_sim.scenario.yaml_limits import MAX_EXTENDS, MAX_FILE_BYTES, check_size, check_text

Source = tuple[str, int | None]  # (file or "--set ...", line)
SourceMap = dict[tuple, Source]


_DATE_TAG = "tag:yaml.org,2002:timestamp"
DATE_VALID = "a real date written YYYY-MM-DD, e.g. 1940-12-31"
VALUE_VALID = "a YAML scalar, list or mapping, e.g. 3, 1940-12-31, [a, b]"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
YAML_VALID = "YAML mappings of 'key: value', indented with spaces"


def read_yaml(path: Path, sources: SourceMap | None = None) -> Any:
    """Parse a YAML file, recording the line of every key path into `sources`.

    A file that cannot be read, bad YAML, a repeated key or an impossible date is an InputError with its line.
    """
    file = str(path)
    text = read_text(path)
    check_text(text, file)
    lines: SourceMap = {}
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, file, text) from None
    try:
        node = loader.get_single_node()
        if node is not None:
            _record_lines(node, (), file, lines)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, file, text) from None
    finally:
        loader.dispose()
    if sources is not None:
        sources.update(lines)
    return data


def read_text(path: Path) -> str:
    """The text of a scenario file: a regular file of at most MAX_FILE_BYTES bytes of UTF-8."""
    file = str(path)
    if not path.is_file():
        if path.is_dir():
            problem = "this is a folder, not a file"
        elif path.exists():
            problem = "this is not a regular file (a device, FIFO or socket)"
        else:
            problem = "file not found"
        raise InputError(problem, file=file, valid="the path of an existing YAML scenario file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        check_size(max(len(raw), path.stat().st_size), file)
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise InputError(f"the file is not UTF-8 text (byte {exc.object[exc.start]:#04x})", file=file, line=line,
                         valid="a YAML file saved as UTF-8") from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=file,
                         valid="a readable YAML scenario file") from None


def _yaml_error(exc: yaml.YAMLError, file: str, text: str) -> InputError:
    """A PyYAML error as an InputError on the line it names (never past the last line of the file)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    last_line = max(1, len(text.splitlines()))
    line = min(mark.line + 1, last_line) if mark is not None else None
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, max(0, exc.position)) + 1
        problem = f"unacceptable character U+{exc.character:04X}" if isinstance(exc.character, int) else problem
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark.line + 1 != line:
        problem += f" ({context} that starts on line {context_mark.line + 1})"
    return InputError(f"YAML syntax error: {problem}", file=file, line=line, valid=YAML_VALID)


def _record_lines(node: yaml.Node, path: tuple, file: str, sources: SourceMap, above: tuple = ()) -> None:
    """Record the line of every key path under `node`; a repeated key, an impossible date or an alias that
    contains itself is an error. `above` holds the nodes on the way down from the root."""
    if any(node is a for a in above):
        raise InputError("an alias refers to a value that contains it", file=file, key=join_path(path) or None,
                         line=node.start_mark.line + 1, valid="aliases (*name) of values that do not contain them")
    above = (*above, node)
    sources.setdefault(path, (file, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _key_of(key_node)
            sub, line = (*path, key), key_node.start_mark.line + 1
            if key in seen:
                raise InputError(f"the key '{key}' appears twice (first on line {seen[key]})", file=file,
                                 key=join_path(sub), line=line, valid="each key once in a mapping")
            seen[key] = line
            sources[sub] = (file, line)
            _record_lines(value_node, sub, file, sources, above)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*path, i), file, sources, above)
    elif node.tag == _DATE_TAG:
        try:
            _CONSTRUCTOR.construct_yaml_timestamp(node)
        except ValueError as exc:
            raise InputError(f"'{node.value}' is not a calendar date ({exc})", file=file,
                             key=join_path(path) or None, line=node.start_mark.line + 1,
                             valid=DATE_VALID) from None


def _key_of(node: yaml.Node) -> Any:
    """A mapping key as the loader will build it (`1:` is the integer 1), so its line is found under that key."""
    if not isinstance(node, yaml.ScalarNode):
        return str(node.value)
    build = _CONSTRUCTOR.yaml_constructors.get(node.tag)
    if build is None or node.tag == _DATE_TAG:
        return node.value
    try:
        key = build(_CONSTRUCTOR, node)
    except (ValueError, yaml.YAMLError):
        return node.value
    return key if isinstance(key, str | int | float | bool) or key is None else node.value


@dataclass
class MergeTrace:
    """What `merge` did, so that the lines recorded for each file can follow the data into the merged result."""

    moved: dict[tuple, tuple] = field(default_factory=dict)  # (merged list path, index in over) -> merged path
    replaced: list[tuple] = field(default_factory=list)  # merged paths whose base value was replaced whole


def merge(base: Any, over: Any, trace: MergeTrace | None = None, path: tuple = ()) -> Any:
    """Deep-merge `over` onto `base`. Mappings merge key by key; lists of mappings that carry an `id`
    merge item by item (an item with a new id is appended); any other list or value replaces."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base[k], v, trace, (*path, k)) if k in base else copy.deepcopy(v)
        return out
    if isinstance(base, list) and isinstance(over, list) and _all_have_ids(over):
        out = [copy.deepcopy(item) for item in base]
        index = {item.get("id"): i for i, item in enumerate(out) if isinstance(item, dict) and item.get("id")}
        for j, item in enumerate(over):
            if item["id"] in index:
                i = index[item["id"]]
                out[i] = merge(out[i], item, trace, (*path, i))
            else:
                i = len(out)
                index[item["id"]] = i
                out.append(copy.deepcopy(item))
            if trace is not None:
                trace.moved[(*path, j)] = (*path, i)
        return out
    if trace is not None:
        trace.replaced.append(path)
    return copy.deepcopy(over)


def _all_have_ids(items: list) -> bool:
    return bool(items) and all(isinstance(i, dict) and i.get("id") for i in items)


def _merge_sources(sources: SourceMap, own: SourceMap, trace: MergeTrace) -> None:
    """Lay the lines of the extending file (`own`) over those of its base, following `trace`."""
    for cut in trace.replaced:
        for p in [p for p in sources if p[: len(cut)] == cut]:
            del sources[p]
    for p, src in own.items():
        mapped: tuple = ()
        for part in p:
            step = (*mapped, part)
            mapped = trace.moved.get(step, step)
        sources[mapped] = src


def load_raw(path: Path, sources: SourceMap, chain: tuple[Path, ...] = (), via: Source | None = None) -> dict:
    """Read a scenario file and everything it extends, merged; sources records where each key came from.

    `chain` holds the files that extend this one and `via` the (file, line) of the `extends:` that named it.
    """
    path = path.resolve()
    if len(chain) >= MAX_EXTENDS:
        file, line = via or (str(chain[-1]), None)
        raise InputError(f"the extends chain is longer than {MAX_EXTENDS} files", file=file, key="extends",
                         line=line, valid=f"a chain of at most {MAX_EXTENDS} scenario files")
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        file, line = via or (str(chain[-1]), None)
        raise InputError(f"extends cycle: {cycle}", file=file, key="extends", line=line,
                         valid="a chain of extends that ends in a file without extends")
    own: SourceMap = {}
    data = read_yaml(path, own)
    if data is None:
        raise InputError("the scenario file is empty", file=str(path), line=1,
                         valid="a mapping of sections such as 'name:', 'time:', 'events:'")
    if not isinstance(data, dict):
        raise InputError(f"the top level is {describe_kind(data)}, not a mapping", file=str(path),
                         line=own.get((), (None, 1))[1],
                         valid="a mapping of sections such as 'name:', 'time:', 'events:'")
    _check_unique_ids(data, own, str(path))
    parent = data.get("extends")
    if parent is None:
        sources.update(own)
        return data
    extends_line = own.get(("extends",), (None, None))[1]
    if not isinstance(parent, str) or not parent.strip():
        raise InputError(f"extends must be a file path (got {describe_kind(parent)})", file=str(path),
                         key="extends",
                         line=extends_line, valid="a path such as baseline.yaml, relative to this file")
    target = (path.parent / parent).resolve()
    if not target.is_file():
        problem = "not found" if not target.exists() else "is not a regular file"
        raise InputError(f"extends target '{parent}' {problem} (looked for {target})", file=str(path),
                         key="extends", line=extends_line,
                         valid="the path of an existing scenario, relative to this file")
    base = load_raw(target, sources, (*chain, path), via=(str(path), extends_line))
    trace = MergeTrace()
    merged = merge(base, data, trace)
    _merge_sources(sources, own, trace)
    merged["extends"] = parent
    return merged


def _check_unique_ids(data: dict, own: SourceMap, file: str) -> None:
    """Two items of one list in one file with the same `id` are an error (a merge by id would drop one)."""
    for key, items in data.items():
        if not isinstance(items, list):
            continue
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str) or not ident:
                continue
            if ident in seen:
                line = own.get((key, i, "id"), own.get((key, i), (None, None)))[1]
                raise InputError(f"the id '{ident}' is used twice in {key} (first by item {seen[ident]})", file=file,
                                 key=f"{key}[{i}].id", line=line, valid=f"a different id for each item of {key}")
            seen[ident] = i


def describe_kind(value: Any) -> str:
    """How a YAML value reads to a user: 'a mapping', 'a list', or the value itself."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def apply_override(data: dict, assignment: str, sources: SourceMap) -> None:
    """Apply one `--set key.path=value` (value parsed as YAML) to the raw scenario."""
    label = f"--set {assignment}"
    if "=" not in assignment:
        raise InputError("an override needs the form key.path=value", file=label,
                         valid="e.g. --set time.end=1940-12-31 or --set seed=3")
    key, _, text = assignment.partition("=")
    key = key.strip()
    parts: list = [p for p in (p.strip() for p in key.split(".")) if p != ""]
    if not parts:
        raise InputError("empty key", file=label, valid="a dotted key path such as time.end")
    if parts[0] == "extends":
        raise InputError("extends cannot be changed with --set (it is read before overrides apply)", file=label,
                         key=key, valid="a scenario file with 'extends: OTHER.yaml' and its own changes")
    try:
        value = yaml.safe_load(text)
    except ValueError as exc:  # a date-shaped value that is no date (1942-02-30): said as it is of a file
        if yaml.resolver.Resolver().resolve(yaml.ScalarNode, text.strip(), (True, False)) == _DATE_TAG:
            raise InputError(f"'{text.strip()}' is not a calendar date ({exc})", file=label, key=key,
                             valid=DATE_VALID) from None
        raise InputError(f"cannot parse value '{text}': {exc}", file=label, key=key, valid=VALUE_VALID) from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"cannot parse value '{text}': {problem}", file=label, key=key,
                         valid=VALUE_VALID) from None
    node: Any = data
    for i, part in enumerate(parts):
        if isinstance(node, list):
            parts[i] = part = _list_index(node, part, parts[:i], label, key)
        if i == len(parts) - 1:
            break
        child = node[part] if isinstance(node, list) else node.get(part)
        if child is not None and not isinstance(child, dict | list):
            raise InputError(f"'{join_path(parts[: i + 1])}' holds {describe_kind(child)}, which has no key "
                             f"'{parts[i + 1]}'",
                             file=label, key=key, valid="a key path that runs through sections, e.g. time.end")
        if child is None:
            node[part] = {}
            _forget(sources, tuple(parts[: i + 1]))
            sources[tuple(parts[: i + 1])] = (label, None)
        node = node[part]
    node[parts[-1]] = value
    _forget(sources, tuple(parts))
    sources[tuple(parts)] = (label, None)


def _list_index(items: list, part: str, above: list, label: str, key: str) -> int:
    """`part` as an index of `items`, or an InputError that says which indexes there are."""
    where = f" at '{join_path(above)}'" if above else ""
    valid = f"an index from 0 to {len(items) - 1}" if items else "nothing: the list is empty (set the whole list)"
    if not part.isdigit() or int(part) >= len(items):
        raise InputError(f"no item {part} in the list{where}", file=label, key=key, valid=valid)
    return int(part)


def _forget(sources: SourceMap, path: tuple) -> None:
    """Drop the recorded lines of `path` and everything under it (a value that was replaced)."""
    for p in [p for p in sources if p[: len(path)] == path]:
        del sources[p]


def scenario_hash(resolved_yaml: str) -> str:
    """sha256 of the resolved scenario text (first 16 hex digits)."""
    return hashlib.sha256(resolved_yaml.encode()).hexdigest()[:16]
