"""Pydantic validation errors as one-paragraph InputErrors: the key path as the user wrote it, the file and
line that set it (through extends and --set), and what would be valid."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from indusco_sim.errors import InputError, did_you_mean, join_path
from indusco_sim.scenario.schema import Scenario
from indusco_sim.scenario.yaml_files import Source, SourceMap, describe_kind


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
            info = cls.model_fields.get(part)
            if info is None:
                return []
            annotation = info.annotation
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


FIRST_KINDS = ("extra_forbidden", "union_tag_invalid", "union_tag_not_found")  # likeliest causes of the rest
KIND_VALID = {"finite_number": "a finite number (not .inf or .nan)", "float_parsing": "a number",
              "float_type": "a number", "int_parsing": "a whole number", "int_type": "a whole number",
              "string_type": "text", "bool_parsing": "true or false", "bool_type": "true or false",
              "list_type": "a list", "date_from_datetime_parsing": "a date written YYYY-MM-DD"}
PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def validation_to_input_error(err: ValidationError, data: Any, sources: SourceMap) -> InputError:
    """The first pydantic error, as a one-paragraph InputError with file, key path, line and what is valid.

    Unknown keys and event types come first: a misspelt key often makes a required one look missing.
    """
    errors = sorted(err.errors(), key=lambda e: e["type"] not in FIRST_KINDS)
    first = errors[0]
    kind = first["type"]
    got = first.get("input")
    loc = tuple(first["loc"])
    named = first["msg"].removeprefix("Value error, ").split(" ")[0]
    if kind == "value_error" and isinstance(got, dict) and named in got:
        loc = (*loc, named)  # a check across fields, reported on the field its message names first
        got = got[named]
    elif kind == "union_tag_invalid":
        loc = (*loc, "type")
    is_key = kind == "invalid_key" or (loc and loc[-1] == "[key]")
    loc = tuple(p for p in loc if p != "[key]")
    path, (file, line) = locate(loc, data, sources)
    valid = field_description(path, data)
    if kind == "extra_forbidden":
        choices = fields_at(path, data)
        message = f"unknown key '{path[-1]}'{did_you_mean(path[-1], choices)}"
        valid = "one of " + ", ".join(choices) if choices else None
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        from indusco_sim.scenario.event_schema import EVENT_TYPES

        tag = got.get("type") if isinstance(got, dict) else None
        message = f"unknown event type '{tag}'{did_you_mean(tag or '', EVENT_TYPES)}" if tag else \
            "the event has no 'type'"
        valid = "type: " + " | ".join(EVENT_TYPES)
    elif is_key:
        message = f"the key {describe_kind(path[-1])} is not a name"
        valid = "keys that are names (write '1940' in quotes if a name is a number)"
    elif kind == "missing":
        message = f"the required key '{path[-1]}' is missing"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"this must be a mapping of 'key: value' lines, not {describe_kind(got)}"
    else:
        message = first["msg"]
        for prefix in PYDANTIC_PREFIXES:
            message = message.removeprefix(prefix)
        if kind != "value_error":  # a value error's message already shows the value
            message += f" (got {describe_kind(got)})"
    message += item_note(path, data)
    valid = valid or KIND_VALID.get(kind, "the value `indusco schema` describes for this key")
    if len(errors) > 1:
        message += f"; {len(errors) - 1} more problem(s) may follow once this one is fixed"
    return InputError(message, file=file, key=join_path(path) or None, line=line, valid=valid)


def item_note(path: tuple, data: Any) -> str:
    """' (in event 'x')' when `path` runs through a list item that has an `id` (events merged by id have
    moved from where they stood in the file)."""
    node = data
    note = ""
    for part in path:
        node = _child(node, part)
        if isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            note = f" (in event '{node['id']}')" if path[0] == "events" else f" (in item '{node['id']}')"
    return note
