"""The explanation tree: every score carries its parts (name, title, value, detail, parts), as CMS's API does.

See ``../shared/samples/qpp-json/scoring-example-output-*.json`` for the shape we mirror (spec 13.2).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field

NodeValue = float | int | bool | str | None

#: types returned as they are by :func:`round4` and :func:`copy_data` (checked by exact type: fast path)
_ATOMIC: frozenset[type] = frozenset({str, int, bool, type(None)})


def round4(x: Any) -> Any:
    """Numbers keep full precision internally and are emitted rounded to 4 decimals (contract 2).

    Floats are rounded, dicts and lists/tuples rebuilt (a tuple becomes a list), anything else returned as
    it is. The exact-type checks first are the hot path of every result document (issue 15); subclasses
    (e.g. an ``OrderedDict``) take the ``isinstance`` path below with the same outcome."""
    t = type(x)
    if t is float:
        return round(x, 4)
    if t in _ATOMIC:
        return x
    if t is dict:
        out = {}
        for k, v in x.items():
            tv = type(v)
            out[k] = round(v, 4) if tv is float else v if tv in _ATOMIC else round4(v)
        return out
    if t is list:
        return [round(v, 4) if type(v) is float else v if type(v) in _ATOMIC else round4(v) for v in x]
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: round4(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [round4(v) for v in x]
    return x


def copy_data(x: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, scalars) without ``copy.deepcopy``'s memo bookkeeping;
    any other object goes through ``copy.deepcopy``."""
    t = type(x)
    if t in _ATOMIC or t is float:
        return x
    if t is dict:
        return {k: copy_data(v) for k, v in x.items()}
    if t is list:
        return [copy_data(v) for v in x]
    return copy.deepcopy(x)


class Node(BaseModel):
    """One node of an explanation: ``value`` is what this part contributes, ``detail`` says why."""

    name: str
    #: a human-readable label (a measure's or activity's title from the reference data), like CMS's ``title``
    title: str | None = None
    value: NodeValue = None
    #: what ``value`` counts: ``points`` (of the final score at the root's level), ``percent``, ...
    unit: str | None = None
    detail: str = ""
    parts: list[Node] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    def add(self, *nodes: Node) -> Node:
        self.parts.extend(nodes)
        return self

    def find(self, name: str) -> Node | None:
        """Depth-first search by name (handy in tests and reports)."""
        if self.name == name:
            return self
        for p in self.parts:
            hit = p.find(name)
            if hit is not None:
                return hit
        return None

    def clone(self) -> Node:
        """A deep copy of this subtree, like ``model_copy(deep=True)`` (nodes, parts lists and metadata are
        new objects; fields-set kept) at a fraction of its cost: nodes are copied field by field instead
        of through ``copy.deepcopy``, which dominated scoring time (issue 15)."""
        cls = type(self)
        new = cls.__new__(cls)
        d = dict(self.__dict__)
        d["parts"] = [p.clone() for p in self.parts]
        d["metadata"] = copy_data(self.metadata)
        object.__setattr__(new, "__dict__", d)
        object.__setattr__(new, "__pydantic_extra__", None)
        object.__setattr__(new, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        object.__setattr__(new, "__pydantic_private__", None)
        return new

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first."""
        yield self
        for p in self.parts:
            yield from p.walk()

    def to_doc(self) -> dict[str, Any]:
        """JSON form with 4-dp numbers; unset ``title``/``unit`` and empty ``metadata`` omitted."""
        doc: dict[str, Any] = {"name": self.name}
        if self.title is not None:
            doc["title"] = self.title
        value = self.value
        doc["value"] = round(value, 4) if type(value) is float else round4(value)
        if self.unit is not None:
            doc["unit"] = self.unit
        doc["detail"] = self.detail
        doc["parts"] = [p.to_doc() for p in self.parts]
        if self.metadata:
            doc["metadata"] = round4(self.metadata)
        return doc
