"""The JSON Schema of scenario files (`indusco schema`), for editors.

A scenario file is not always a whole Scenario. A file that `extends:` another is merged onto it
(yaml_files.merge): a mapping may give only the keys it changes (`speed_km_per_day: {rail: 250}`), and an
event entry may change an inherited event by naming its id (`{id: wave-1939, enabled: false}`, as the
counterfactuals do). The schema of the validated Scenario would mark both as errors, so the file schema asks
for no key of a mapping, and lets an event entry be such a change (EventChange); a new event must still be
whole. Unknown keys and wrong types are still errors. The merged result is validated against Scenario itself
when the file is loaded, which catches what this schema cannot (a key a file without `extends:` leaves out).
"""

from __future__ import annotations

import typing

from indusco_sim.scenario.event_schema import EVENT_TYPES, Event
from indusco_sim.scenario.schema import Scenario

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def event_models() -> list[type]:
    """The event classes of the Event union, in its order."""
    union = typing.get_args(Event)[0]
    return list(typing.get_args(union))


def file_schema() -> dict:
    """Scenario's JSON Schema, with its draft named, and event entries that may be a change to an inherited
    event: an object with the event's `id` and any keys an event takes."""
    schema = Scenario.model_json_schema()
    defs = schema["$defs"]
    event_names = [model.__name__ for model in event_models()]  # in the union's order: the output is the same
    for name, definition in defs.items():
        if name not in event_names:  # merged key by key onto the extended file's
            definition.pop("required", None)
    keys: dict = {}
    for name in event_names:
        keys.update(defs[name]["properties"])
    keys["id"] = {"type": "string", "description": "the id of the inherited event this entry changes"}
    keys["type"] = {"enum": list(EVENT_TYPES), "description": "kind of event (as the inherited event's)"}
    defs["EventChange"] = {
        "title": "EventChange", "type": "object", "required": ["id"], "properties": keys,
        "additionalProperties": False,
        "description": "in a file that extends another: a change to the inherited event with this id, giving only "
                       "the keys it changes (e.g. {id: wave-1939, enabled: false} switches that wave off)"}
    events = schema["properties"]["events"]
    events["items"] = {"anyOf": [events["items"], {"$ref": "#/$defs/EventChange"}]}
    return {"$schema": DRAFT, **schema}
