"""The explanation tree: every score carries its parts (name, title, value, detail, parts), as CMS's API does.

See ``../shared/samples/qpp-json/scoring-example-output-*.json`` for the shape we mirror (spec 13.2).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field

NodeValue = float | int | bool | str | None


def round4(x: Any) -> Any:
    """Numbers keep full precision internally and are emitted rounded to 4 decimals (contract 2)."""
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: round4(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [round4(v) for v in x]
    return x


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
        doc["value"] = round4(self.value)
        if self.unit is not None:
            doc["unit"] = self.unit
        doc["detail"] = self.detail
        doc["parts"] = [p.to_doc() for p in self.parts]
        if self.metadata:
            doc["metadata"] = round4(self.metadata)
        return doc
