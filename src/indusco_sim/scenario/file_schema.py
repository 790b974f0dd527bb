"""The JSON Schema of scenario files (`indusco schema`), for editors.

A scenario file is not always a whole Scenario: a file that `extends:` another may change one of the inherited
events by naming its id and giving only the keys it changes (yaml_files.merge), as the counterfactuals do with
`{id: wave-1939, enabled: false}`. The schema of the validated Scenario would mark such an entry as an error,
so the file schema also lets an event entry be such a change (EventChange). The merged result is validated
against Scenario itself when the file is loaded.
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
    keys: dict = {}
    for model in event_models():
        keys.update(defs[model.__name__]["properties"])
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
