"""The explanation tree: every score carries its parts (name, title, value, detail, parts), as CMS's API does.

See ``../shared/samples/qpp-json/scoring-example-output-*.json`` for the shape we mirror (spec 13.2).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from pydantic_core import to_jsonable_python

NodeValue = float | int | bool | str | None

#: types returned as they are by :func:`round4` and :func:`copy_data` (checked by exact type: fast path)
_ATOMIC: frozenset[type] = frozenset({str, int, bool, type(None)})
#: the atomic types and float: what :func:`copy_data` returns as it is
_SCALAR: frozenset[type] = _ATOMIC | {float}


def round4(x: Any) -> Any:
    """Numbers keep full precision internally and are emitted rounded to 4 decimals (contract 2).

    The result is the JSON form pydantic's ``model_dump(mode="json", by_alias=True)`` gives, rounded:
    floats are rounded (infinities and NaN become None, as pydantic emits them), dicts and lists/tuples
    rebuilt (a tuple becomes a list, a key that is not a string becomes pydantic's string for it, e.g.
    ``10`` -> ``"10"``), any other object (a pydantic model, a set, a date) converted by
    ``pydantic_core.to_jsonable_python`` first. So an explanation built with it is JSON data that
    ``ScoreResult.to_doc`` can emit without serialising it again (issue 15). The exact-type checks
    first are the hot path; subclasses (e.g. an ``OrderedDict``) take the ``isinstance`` path below with
    the same outcome. Floats go through :func:`_round_float`, inlined in the dict loop (the hottest)."""
    t = type(x)
    if t is float:
        return _round_float(x)
    if t in _ATOMIC:
        return x
    if t is dict:
        out = {}
        for k, v in x.items():
            if type(k) is not str:
                k = _json_key(k)
            tv = type(v)
            if tv is float:
                frac = v % 1.0  # _round_float(v), inlined
                out[k] = v if frac == 0.0 else round(v, 4) if frac == frac else None
            else:
                out[k] = v if tv in _ATOMIC else round4(v)
        return out
    if t is list:
        return [_round_float(v) if type(v) is float else v if type(v) in _ATOMIC else round4(v) for v in x]
    if t is FrozenData:
        return x.json_form()
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, float):
        return _round_float(float(x))
    if isinstance(x, dict):
        return {k if type(k) is str else _json_key(k): round4(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [round4(v) for v in x]
    if isinstance(x, str | int):  # str and int subclasses (enums): json.dumps writes their value
        return x
    return round4(to_jsonable_python(x, by_alias=True))


def _round_float(x: float) -> float | None:
    """``round(x, 4)``, None for infinities and NaN (pydantic's JSON mode). ``x % 1.0`` is 0.0 for a
    whole number, which ``round`` would return unchanged (nearly half of the explanation's numbers: 100.0,
    0.0, 10.0...), and NaN for inf and NaN, the one value not equal to itself."""
    frac = x % 1.0
    if frac == 0.0:
        return x
    return round(x, 4) if frac == frac else None


@functools.lru_cache(maxsize=1024, typed=True)
def _json_key(key: Any) -> str:
    """The string pydantic's JSON mode writes for a dict key that is not a string.

    Cached (by value and type: ``1``, ``1.0`` and ``True`` stay apart): the keys are few and come back
    entity after entity (a cost benchmark's percentiles ``1, 10, ... 99``), and each uncached call goes
    through ``to_jsonable_python``."""
    return str(next(iter(to_jsonable_python({key: None}))))


def copy_data(x: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, scalars) without ``copy.deepcopy``'s memo bookkeeping;
    any other object goes through ``copy.deepcopy``."""
    t = type(x)
    if t in _SCALAR:
        return x
    if t is dict:
        return {k: v if type(v) in _SCALAR else copy_data(v) for k, v in x.items()}
    if t is list:
        return [v if type(v) in _SCALAR else copy_data(v) for v in x]
    return copy.deepcopy(x)


class FrozenData(dict[Any, Any]):
    """Read-only node metadata taken from reference data, the same for every entity (a benchmark row).

    ``round4`` rounds it once and then hands out copies of that JSON form instead of rounding the same
    percentiles for every scored measure (about half of the numbers an entity's explanation rounds,
    issue 15). It is read-only so that the cached form cannot go stale; it can be shared by every node
    that shows the row, and a caller who wants a changed version copies it first (``{**data, ...}``).
    Pydantic serialises it like a dict, and a document never contains it (only copies of its JSON form).
    """

    __slots__ = ("_json", "_nested")

    def __init__(self, data: Any = (), /) -> None:
        super().__init__(data)
        self._json: dict[str, Any] | None = None
        self._nested: tuple[str, ...] = ()  # the keys of the JSON form whose values are containers

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("FrozenData is read-only (shared reference data): copy it to change it")

    __setitem__ = __delitem__ = __ior__ = _read_only  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[FrozenData], tuple[dict[Any, Any]]]:
        return (FrozenData, (dict(self),))

    def __copy__(self) -> FrozenData:
        return self  # read-only: a copy would be the same forever

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenData:
        return self

    def json_form(self) -> dict[str, Any]:
        """What :func:`round4` gives for this data: computed on first use, a fresh copy on every call
        (a document is its caller's to change)."""
        form = self._json
        if form is None:
            form = self._json = round4(dict(self))
            self._nested = tuple(k for k, v in form.items() if type(v) not in _SCALAR)
        out = form.copy()
        for k in self._nested:  # scalars are shared as they are; containers copied
            out[k] = copy_data(out[k])
        return out


@dataclass(slots=True, init=False)
class Node:
    """One node of an explanation: ``value`` is what this part contributes, ``detail`` says why.

    A plain slotted dataclass rather than a pydantic model: an entity's explanation has about 70 nodes
    and their construction was a tenth of the kernel's time (issue 15). Pydantic still validates and
    serialises it as a field of a model (``CategoryResult.explanation``, ``BonusResult.node``) with the
    same JSON as before; constructing one validates nothing, so callers pass the right types (mypy checks
    them). ``parts`` and ``metadata`` are copied (shallowly) on construction, as pydantic did, so a list or
    dict the caller goes on changing does not change the node.
    """

    name: str
    #: a human-readable label (a measure's or activity's title from the reference data), like CMS's ``title``
    title: str | None = None
    value: NodeValue = None
    #: what ``value`` counts: ``points`` (of the final score at the root's level), ``percent``, ...
    unit: str | None = None
    detail: str = ""
    parts: list[Node] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        name: str,
        title: str | None = None,
        value: NodeValue = None,
        unit: str | None = None,
        detail: str = "",
        parts: list[Node] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """The dataclass's own ``__init__`` plus a ``__post_init__`` copy made every node's lists and
        dicts twice (an entity builds ~70 nodes, issue 15); this makes each once. ``parts`` and
        ``metadata`` are still copied (an empty one passed in becomes a new empty one)."""
        self.name = name
        self.title = title
        self.value = value
        self.unit = unit
        self.detail = detail
        self.parts = list(parts) if parts else []
        self.metadata = dict(metadata) if metadata else {}

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
        """A deep copy of this subtree (nodes, parts lists and metadata are new objects), without
        ``copy.deepcopy``'s memo bookkeeping."""
        return Node(
            self.name,
            self.title,
            self.value,
            self.unit,
            self.detail,
            [p.clone() for p in self.parts],
            copy_data(self.metadata),
        )

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first."""
        yield self
        for p in self.parts:
            yield from p.walk()

    def to_doc(self) -> dict[str, Any]:
        """JSON form with 4-dp numbers; unset ``title``/``unit`` and empty ``metadata`` omitted."""
        parts = self.parts  # a leaf (most nodes) runs no list comprehension
        return self.render(self.name, self.title, self.unit, [p.to_doc() for p in parts] if parts else [])

    def render(
        self, name: str, title: str | None, unit: str | None, parts: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """This node's JSON form (see :meth:`to_doc`) with its name, title, unit and rendered parts given:
        a caller that relabels a tree (``explain_annotate``) renders it once instead of copying it,
        relabelling the copy and rendering that."""
        doc: dict[str, Any] = {"name": name}
        if title is not None:
            doc["title"] = title
        value = self.value
        if type(value) is float:
            doc["value"] = _round_float(value)
        else:  # a scalar value skips the call
            doc["value"] = value if type(value) in _ATOMIC else round4(value)
        if unit is not None:
            doc["unit"] = unit
        doc["detail"] = self.detail
        doc["parts"] = parts
        if self.metadata:
            doc["metadata"] = round4(self.metadata)
        return doc
