"""Which final score counts for a clinician (TIN/NPI) scored at several levels (spec 9.2).

CMS's 2024 guides: "If a clinician has multiple final scores, CMS will use the following hierarchy to assign
the final score and determine the payment adjustment: Virtual group final score; Highest available final
score from the group or individual participation" [S:SEED-FM; S:SEED-PATH; S:SEED-ANES]. The regulation
applies an APM Entity's final score to each clinician of the APM Entity group (42 CFR 414.1317(b)) and
keeps virtual-group scores out of it ((a)(3)); it does not rank the APM Entity score against group or
individual scores, and subgroups (MVP only) inherit from their group. Engine decision (documented in the
README): a virtual-group score wins; otherwise the highest final score among the individual, group,
subgroup and APM Entity scores counts (the spec 9.2 reading); a tie keeps the first in that order.

An entity's result covers the clinicians of its profile's roster (``clinicians``: TIN/NPI, the TIN
defaulting to the entity's); an individual's result covers that clinician. Works on result documents
(contract 2) so the CLI and the pipeline use the same choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .explain import round4
from .models.profile import Profile

#: order used to break ties between equal final scores (and to list alternatives of equal score)
_LEVEL_ORDER = {"virtualGroup": 0, "individual": 1, "group": 2, "subgroup": 3, "apmEntity": 4}


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ScoreSource(_Out):
    """One final score a clinician has: the entity (and reporting option) it comes from."""

    entity_type: str
    taxpayer_identification_number: str
    national_provider_identifier: str | None = None
    entity_id: str | None = None
    reporting_option: str | None = None
    mvp_id: str | None = None
    scoring_standard: str | None = None
    status: str | None = None
    final_score: float
    payment_adjustment: dict[str, Any] = Field(default_factory=dict)

    def entity_ref(self) -> tuple[str, str, str | None, str | None]:
        return (
            self.entity_type,
            self.taxpayer_identification_number,
            self.national_provider_identifier,
            self.entity_id,
        )


class ClinicianResult(_Out):
    """``results/<year>/clinician/<TIN>/<NPI>.json``: the score used for a clinician and the others."""

    performance_year: int
    payment_year: int | None = None
    taxpayer_identification_number: str
    national_provider_identifier: str
    final_score: float
    payment_adjustment: dict[str, Any]
    status: str | None = None
    source: ScoreSource
    rule: str
    alternatives: list[ScoreSource] = Field(default_factory=list)

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = round4(self.model_dump(by_alias=True, mode="json", exclude_none=True))
        return doc


def source_of(doc: dict[str, Any]) -> ScoreSource:
    """The score source of a result document (contract 2)."""
    ent = doc.get("entity", {})
    return ScoreSource(
        entity_type=ent.get("entityType", ""),
        taxpayer_identification_number=ent.get("taxpayerIdentificationNumber", ""),
        national_provider_identifier=ent.get("nationalProviderIdentifier"),
        entity_id=ent.get("entityId"),
        reporting_option=doc.get("reportingOption"),
        mvp_id=doc.get("mvpId"),
        scoring_standard=doc.get("scoringStandard"),
        status=doc.get("status"),
        final_score=float(doc.get("finalScore", 0.0)),
        payment_adjustment=dict(doc.get("paymentAdjustment") or {}),
    )


def covered_clinicians(doc: dict[str, Any], profile: Profile | None) -> list[tuple[str, str]]:
    """The (TIN, NPI) pairs a result counts for: the individual itself, or the profile's roster."""
    ent = doc.get("entity", {})
    tin = ent.get("taxpayerIdentificationNumber", "")
    if ent.get("entityType") == "individual":
        npi = ent.get("nationalProviderIdentifier")
        return [(tin, npi)] if npi else []
    if profile is None:
        return []
    seen: list[tuple[str, str]] = []
    for c in profile.clinicians:
        pair = (c.taxpayer_identification_number or tin, c.national_provider_identifier)
        if pair not in seen:
            seen.append(pair)
    return seen


def choose_for_clinician(
    performance_year: int, tin: str, npi: str, sources: Sequence[ScoreSource], payment_year: int | None = None
) -> ClinicianResult:
    """Apply the hierarchy to one clinician's final scores (at least one)."""
    if not sources:
        raise ValueError("a clinician needs at least one final score")
    unique: dict[tuple[str, str, str | None, str | None], ScoreSource] = {}
    for s in sources:
        unique[s.entity_ref()] = s  # the latest score of the same entity replaces the earlier one
    ranked = sorted(unique.values(), key=lambda s: (-s.final_score, _LEVEL_ORDER.get(s.entity_type, 9)))
    vgs = [s for s in ranked if s.entity_type == "virtualGroup"]
    if vgs:
        used = vgs[0]
        rule = (
            "Virtual group final score: it takes precedence over every other final score of the clinician "
            "(hierarchy of the 2024 CMS guides)."
        )
    else:
        used = ranked[0]
        rule = (
            "Highest available final score from the individual, group, subgroup or APM Entity participation "
            f"({used.entity_type}, {used.final_score:.4f}) (2024 CMS guides, spec 9.2; the APM Entity score "
            "applies to each clinician of the APM Entity group, 42 CFR 414.1317(b))."
        )
    if len(ranked) == 1:
        rule = f"Only one final score: the {used.entity_type} score counts."
    return ClinicianResult(
        performance_year=performance_year,
        payment_year=payment_year,
        taxpayer_identification_number=tin,
        national_provider_identifier=npi,
        final_score=used.final_score,
        payment_adjustment=used.payment_adjustment,
        status=used.status,
        source=used,
        rule=rule,
        alternatives=[s for s in ranked if s is not used],
    )


def clinician_results(entities: Iterable[tuple[dict[str, Any], Profile | None]]) -> list[ClinicianResult]:
    """Per-clinician choice over several entities' result documents (each with its profile, if any)."""
    by_clinician: dict[tuple[str, str], list[ScoreSource]] = {}
    year: int | None = None
    payment_year: int | None = None
    for doc, profile in entities:
        year = year or doc.get("performanceYear")
        payment_year = payment_year or doc.get("paymentYear")
        src = source_of(doc)
        for pair in covered_clinicians(doc, profile):
            by_clinician.setdefault(pair, []).append(src)
    if year is None:
        return []
    return [
        choose_for_clinician(int(year), tin, npi, srcs, payment_year)
        for (tin, npi), srcs in sorted(by_clinician.items())
    ]


def clinician_key(performance_year: int, tin: str, npi: str) -> str:
    """``results/<year>/clinician/<TIN>/<NPI>.json``."""
    return f"results/{performance_year}/clinician/{tin}/{npi}.json"
