"""Scenario loading: YAML with line numbers, `extends:` with deep merge, `--set` overrides, validation.

Every error becomes one `InputError` that names the file, the key path and the line.
"""

from __future__ import annotations

import copy
import hashlib
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from indusco_sim.errors import InputError, did_you_mean, join_path
from indusco_sim.schema import Scenario

Source = tuple[str, int | None]  # (file or "--set ...", line)
SourceMap = dict[tuple, Source]


def read_yaml(path: Path, sources: SourceMap | None = None) -> Any:
    """Parse a YAML file, recording the line of every key path into `sources`."""
    if not path.is_file():
        raise InputError("file not found", file=str(path), valid="the path of an existing YAML scenario file")
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"YAML syntax error: {problem}", file=str(path),
                         line=mark.line + 1 if mark else None,
                         valid="YAML mappings of 'key: value', indented with spaces") from None
    if sources is not None and node is not None:
        _record_lines(node, (), str(path), sources)
    return data


def _record_lines(node: yaml.Node, path: tuple, file: str, sources: SourceMap) -> None:
    sources.setdefault(path, (file, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = (*path, key_node.value)
            sources[sub] = (file, key_node.start_mark.line + 1)
            _record_lines(value_node, sub, file, sources)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*path, i), file, sources)


def merge(base: Any, over: Any) -> Any:
    """Deep-merge `over` onto `base`. Mappings merge key by key; lists of mappings that carry an `id`
    merge item by item (an item with a new id is appended); any other list or value replaces."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    if isinstance(base, list) and isinstance(over, list) and _all_have_ids(over):
        out = [copy.deepcopy(item) for item in base]
        index = {item.get("id"): i for i, item in enumerate(out) if isinstance(item, dict) and item.get("id")}
        for item in over:
            if item["id"] in index:
                out[index[item["id"]]] = merge(out[index[item["id"]]], item)
            else:
                out.append(copy.deepcopy(item))
        return out
    return copy.deepcopy(over)


def _all_have_ids(items: list) -> bool:
    return bool(items) and all(isinstance(i, dict) and i.get("id") for i in items)


def load_raw(path: Path, sources: SourceMap, chain: tuple[Path, ...] = ()) -> dict:
    """Read a scenario file and everything it extends, merged; sources records where each key came from."""
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise InputError(f"extends cycle: {cycle}", file=str(chain[-1]), key="extends",
                         line=_line(sources, ("extends",), str(chain[-1])),
                         valid="a chain of extends that ends in a file without extends")
    own: SourceMap = {}
    data = read_yaml(path, own)
    if data is None:
        raise InputError("the scenario file is empty", file=str(path),
                         valid="a mapping with at least 'name:'; see scenarios/README.md")
    if not isinstance(data, dict):
        raise InputError(f"the top level is a {type(data).__name__}, not a mapping", file=str(path), line=1,
                         valid="a mapping of sections such as 'name:', 'time:', 'events:'")
    parent = data.get("extends")
    if parent is None:
        sources.update(own)
        return data
    if not isinstance(parent, str):
        raise InputError("extends must be a file path", file=str(path), key="extends",
                         line=own.get(("extends",), (None, None))[1], valid="a relative path such as baseline.yaml")
    target = (path.parent / parent).resolve()
    if not target.is_file():
        raise InputError(f"extends target '{parent}' not found (looked for {target})", file=str(path),
                         key="extends", line=own.get(("extends",), (None, None))[1],
                         valid="the path of an existing scenario, relative to this file")
    base = load_raw(target, sources, (*chain, path))
    sources.update(own)
    merged = merge(base, data)
    merged["extends"] = parent
    return merged


def _line(sources: SourceMap, path: tuple, file: str) -> int | None:
    src = sources.get(path)
    return src[1] if src and src[0] == file else None


def apply_override(data: dict, assignment: str, sources: SourceMap) -> None:
    """Apply one `--set key.path=value` (value parsed as YAML) to the raw scenario."""
    label = f"--set {assignment}"
    if "=" not in assignment:
        raise InputError("an override needs the form key.path=value", file=label,
                         valid="e.g. --set time.end=1940-12-31 or --set seed=3")
    key, _, text = assignment.partition("=")
    parts = [int(p) if p.isdigit() else p for p in key.strip().split(".") if p != ""]
    if not parts:
        raise InputError("empty key", file=label, valid="a dotted key path such as time.end")
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        raise InputError(f"cannot parse value '{text}'", file=label, key=key,
                         valid="a YAML scalar, list or mapping, e.g. 3, 1940-12-31, [a, b]") from None
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(node, list):
            if not isinstance(part, int) or part >= len(node):
                raise InputError(f"no item {part} in the list at '{join_path(parts[:i])}'", file=label,
                                 key=key, valid=f"an index below {len(node)}")
            node = node[part]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = [] if isinstance(nxt, int) else {}
            node = node[part]
    last = parts[-1]
    if isinstance(node, list) and (not isinstance(last, int) or last >= len(node)):
        raise InputError(f"no item {last} in the list", file=label, key=key, valid=f"an index below {len(node)}")
    node[last] = value
    stale = [p for p in sources if p[: len(parts)] == tuple(parts)]
    for p in stale:
        del sources[p]
    sources[tuple(parts)] = (label, None)


def locate(loc: tuple, data: Any, sources: SourceMap) -> tuple[tuple, Source]:
    """Turn a pydantic error location into a data path and the (file, line) that set it."""
    path: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node and node.get("type") == part:
            continue  # the tag pydantic adds for a discriminated union
        path.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    for cut in range(len(path), -1, -1):
        if tuple(path[:cut]) in sources:
            return tuple(path), sources[tuple(path[:cut])]
    return tuple(path), ("<scenario>", None)


def fields_at(path: tuple, data: Any) -> list[str]:
    """Field names valid in the mapping that holds `path[-1]` (for 'did you mean')."""
    annotation: Any = Scenario
    node = data
    for part in path[:-1]:
        cls = _model_for(annotation, node)
        if cls is not None:
            field = cls.model_fields.get(part)
            if field is None:
                return []
            annotation = field.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return []
        node = _child(node, part)
    cls = _model_for(annotation, node)
    return list(cls.model_fields) if cls is not None else []


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return None


def _model_for(annotation: Any, node: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation stands for, choosing an event class by the node's `type`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, dict):
        return None
    candidates = [a for a in typing.get_args(annotation) if a is not type(None)]
    models = [m for a in candidates if (m := _model_for(a, node)) is not None]
    tag = node.get("type") if isinstance(node, dict) else None
    for m in models:
        typ = m.model_fields.get("type")
        if typ is not None and tag in typing.get_args(typ.annotation):
            return m
    return models[0] if len(models) == 1 else None


def scenario_hash(resolved_yaml: str) -> str:
    """sha256 of the resolved scenario text (first 16 hex digits)."""
    return hashlib.sha256(resolved_yaml.encode()).hexdigest()[:16]


def field_description(path: tuple, data: Any) -> str | None:
    """The schema's description (with unit) of the field at `path`, if it names one."""
    annotation: Any = Scenario
    node = data
    info = None
    for part in path:
        cls = _model_for(annotation, node)
        if cls is not None:
            info = cls.model_fields.get(part)
            if info is None:
                return None
            annotation = info.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
            info = None
        else:
            return None
        node = _child(node, part)
    return info.description if info is not None else None


def validation_to_input_error(err: ValidationError, data: Any, sources: SourceMap) -> InputError:
    """The first pydantic error, as a one-paragraph InputError with file, key path, line and what is valid."""
    errors = err.errors()
    first = errors[0]
    path, (file, line) = locate(tuple(first["loc"]), data, sources)
    kind = first["type"]
    got = first.get("input")
    if kind == "extra_forbidden":
        choices = fields_at(path, data)
        message = f"unknown key '{path[-1]}'{did_you_mean(path[-1], choices)}"
        valid = "one of " + ", ".join(choices) if choices else None
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        from indusco_sim.schema_events import EVENT_TYPES

        tag = got.get("type") if isinstance(got, dict) else None
        message = f"unknown event type '{tag}'{did_you_mean(tag or '', EVENT_TYPES)}" if tag else \
            "the event has no 'type'"
        valid = "type: " + " | ".join(EVENT_TYPES)
    else:
        shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
        message = f"{first['msg']} (got {shown})"
        valid = field_description(path, data)
    if len(errors) > 1:
        message += f"; {len(errors) - 1} more problem(s) follow once this one is fixed"
    return InputError(message, file=file, key=join_path(path) or None, line=line, valid=valid)
