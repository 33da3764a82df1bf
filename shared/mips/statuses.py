"""Special statuses (spec 2): CMS-published statuses win; absent ones are derived where the rules allow.

* small practice: ``practiceSize`` (clinicians billing under the TIN) <= 15, any entity type;
* non-patient-facing: <= 100 patient-facing encounters (individuals);
* hospital-based: >= 75% of covered services in hospital places of service (individuals);
* ASC-based: >= 75% in an ambulatory surgical center (individuals; UNCONFIRMED);
* rural, HPSA: not derivable from the profile, false unless CMS publishes them.

The group / virtual-group rules count clinicians ("more than 75% of the clinicians are ..."), which the
profile's claims summary cannot show, so for those entities the three claims-based statuses must be given.
A status met in either determination segment applies for the year (UNCONFIRMED, spec 2).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .eligibility import EligibilityResult, claims_segments, normalise_clinician_type
from .models.common import EntityKey
from .models.profile import Profile
from .rules.eligibility import EligibilityRules

#: the contract's camelCase status names, in the order they are listed
STATUS_NAMES: tuple[str, ...] = (
    "smallPractice",
    "rural",
    "hpsa",
    "nonPatientFacing",
    "hospitalBased",
    "ascBased",
)

StatusSource = Literal["published", "derived", "notDerivable", "unknown"]


class StatusResult(BaseModel):
    small_practice: bool = False
    rural: bool = False
    hpsa: bool = False
    non_patient_facing: bool = False
    hospital_based: bool = False
    asc_based: bool = False
    #: clinician type with automatic PI reweighting (eligibility.pi_auto_reweight_clinician_types)
    pi_reweight_clinician_type: str | None = None
    #: camelCase status name -> where its value came from
    sources: dict[str, StatusSource] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)

    def get(self, name: str) -> bool:
        return bool(getattr(self, _SNAKE[name]))

    def active(self) -> list[str]:
        """The contract's ``specialStatuses`` list: camelCase names of the statuses that hold."""
        return [n for n in STATUS_NAMES if self.get(n)]


_SNAKE = {
    "smallPractice": "small_practice",
    "rural": "rural",
    "hpsa": "hpsa",
    "nonPatientFacing": "non_patient_facing",
    "hospitalBased": "hospital_based",
    "ascBased": "asc_based",
}


def _derive(
    name: str, key: EntityKey, profile: Profile, rules: EligibilityRules
) -> tuple[bool, StatusSource, str]:
    """One status derived from the profile: (value, source, sentence)."""
    individual = key.entity_type in rules.individual_status_entity_types
    segments = claims_segments(profile)
    if name == "smallPractice":
        size = profile.practice_size
        if size is None:
            return (
                False,
                "notDerivable",
                "Small practice: practice size not given, taken as not small.",
            )
        small = size <= rules.small_practice_max_clinicians
        return (
            small,
            "derived",
            f"Small practice {'yes' if small else 'no'}: {size} clinicians billing under the TIN "
            f"{'<=' if small else '>'} {rules.small_practice_max_clinicians}.",
        )
    if name in ("rural", "hpsa"):
        label = "Rural" if name == "rural" else "HPSA"
        return (
            False,
            "notDerivable",
            f"{label}: not derivable from the profile and not published: no.",
        )
    label = {
        "nonPatientFacing": "Non-patient-facing",
        "hospitalBased": "Hospital-based",
        "ascBased": "ASC-based",
    }[name]
    if not individual:
        return (
            False,
            "notDerivable",
            f"{label}: the {key.entity_type} rule counts clinicians (more than 75% of them), which the "
            "profile does not carry; not published: no.",
        )
    if name == "nonPatientFacing":
        values: list[float] = [
            s.patient_facing_encounters for s in segments if s.patient_facing_encounters is not None
        ]
        limit: float = rules.non_patient_facing_max_encounters
        hits = [v for v in values if v <= limit]
        what, fmt, op = "patient-facing encounters", "{:,.0f}", "<="
    else:
        attr = "hospital_place_of_service_share" if name == "hospitalBased" else "asc_place_of_service_share"
        values = [getattr(s, attr) for s in segments if getattr(s, attr) is not None]
        limit = rules.hospital_based_min_share if name == "hospitalBased" else rules.asc_based_min_share
        hits = [v for v in values if v >= limit]
        what = (
            "share of covered services in hospital POS 19/21/22/23"
            if name == "hospitalBased"
            else ("share of covered services in ASC POS 24")
        )
        fmt, op = "{:.0%}", ">="
    if not values:
        return False, "notDerivable", f"{label}: {what} not given: no."
    if not rules.status_in_either_segment:
        hits = [v for v in values[-1:] if v in hits]
    shown = ", ".join(fmt.format(v) for v in values)
    if hits:
        return (
            True,
            "derived",
            f"{label} yes: {what} {fmt.format(hits[0])} {op} {fmt.format(limit)}.",
        )
    return False, "derived", f"{label} no: {what} {shown}, not {op} {fmt.format(limit)}."


def derive_statuses(key: EntityKey, profile: Profile | None, rules: EligibilityRules) -> StatusResult:
    """Special statuses for the entity: published values win, the rest derived (spec 2, contract 1.2)."""
    if profile is None:
        return StatusResult(
            sources=dict.fromkeys(STATUS_NAMES, "unknown"),
            reasons=["No profile received: no special status known (all taken as no)."],
        )
    values: dict[str, bool] = {}
    sources: dict[str, StatusSource] = {}
    reasons: list[str] = []
    for name in STATUS_NAMES:
        published = getattr(profile.special_statuses, _SNAKE[name])
        if published is not None:
            values[name] = published
            sources[name] = "published"
            reasons.append(f"{name}: {'yes' if published else 'no'} as published by CMS.")
            continue
        value, source, sentence = _derive(name, key, profile, rules)
        values[name] = value
        sources[name] = source
        reasons.append(sentence)
    ctype = normalise_clinician_type(profile.clinician_type, rules.clinician_types)
    pi_type = ctype if ctype in rules.pi_auto_reweight_clinician_types else None
    if pi_type:
        reasons.append(
            f"Clinician type '{pi_type}': PI automatically reweighted unless PI data is submitted."
        )
    return StatusResult(
        **{_SNAKE[n]: v for n, v in values.items()},
        pi_reweight_clinician_type=pi_type,
        sources=sources,
        reasons=reasons,
    )


class EntityEvaluation(BaseModel):
    """What the profile says about the entity: eligibility and special statuses (one per entity)."""

    eligibility: EligibilityResult
    statuses: StatusResult
