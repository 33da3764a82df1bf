"""Per-year rule tables, OpenFisca-style: plain values plus a citation for each (and UNCONFIRMED flags)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields


@dataclass(frozen=True, kw_only=True)
class RuleSet:
    """Base for a category's per-year parameters.

    ``sources`` maps a field name to its citation (spec section and source id). A citation containing
    ``UNCONFIRMED`` marks a value the spec could not verify: it is a named parameter here precisely so
    it can be corrected in one place once CMS's text is confirmed.
    """

    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def unconfirmed(self) -> list[str]:
        return sorted(k for k, v in self.sources.items() if "UNCONFIRMED" in v)

    def undocumented(self) -> list[str]:
        """Fields without a citation (a test keeps this empty)."""
        return sorted(f.name for f in fields(self) if f.name != "sources" and f.name not in self.sources)
