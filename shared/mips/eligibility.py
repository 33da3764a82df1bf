"""MIPS eligibility from the CMS profile (spec 1): clinician type, low-volume threshold, exclusions.

Pure: the profile and the year's :class:`~mips.rules.eligibility.EligibilityRules` in, an
:class:`EligibilityResult` out. Without a profile the status is ``unknown`` and the result preliminary.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from .models.common import EntityKey
from .models.profile import ClaimsSegment, Profile
from .rules.eligibility import EligibilityRules

EligibilityStatus = Literal["required", "optInEligible", "optedIn", "excluded", "voluntary", "unknown"]

#: statuses whose final score drives a payment adjustment (opt-in eligible without an election: voluntary)
ADJUSTED_STATUSES: frozenset[str] = frozenset({"required", "optedIn", "unknown"})

#: common spellings and credentials -> the normalised clinician-type names used by the rules table
_CLINICIAN_TYPE_ALIASES: dict[str, str] = {
    "md": "physician",
    "doctorofmedicine": "physician",
    "do": "osteopathicPractitioner",
    "osteopath": "osteopathicPractitioner",
    "doctorofosteopathy": "osteopathicPractitioner",
    "dc": "chiropractor",
    "pa": "physicianAssistant",
    "np": "nursePractitioner",
    "cns": "clinicalNurseSpecialist",
    "crna": "certifiedRegisteredNurseAnesthetist",
    "pt": "physicalTherapist",
    "ot": "occupationalTherapist",
    "psychologist": "clinicalPsychologist",
    "slp": "speechLanguagePathologist",
    "qualifiedspeechlanguagepathologist": "speechLanguagePathologist",
    "qualifiedaudiologist": "audiologist",
    "rd": "registeredDietitian",
    "dietitian": "registeredDietitian",
    "nutritionprofessional": "registeredDietitian",
    "registereddietitianornutritionprofessional": "registeredDietitian",
    "csw": "clinicalSocialWorker",
    "lcsw": "clinicalSocialWorker",
    "socialworker": "clinicalSocialWorker",
    "cnm": "certifiedNurseMidwife",
    "nursemidwife": "certifiedNurseMidwife",
}


def normalise_clinician_type(raw: str | None, known: frozenset[str]) -> str | None:
    """``"Clinical Social Worker"``, ``"clinical_social_worker"``, ``"LCSW"`` -> ``"clinicalSocialWorker"``.

    Returns the raw text unchanged when it matches no known type (so the reason can quote it).
    """
    if raw is None:
        return None
    flat = re.sub(r"[^a-z]", "", raw.lower())
    for name in known:
        if name.lower() == flat:
            return name
    return _CLINICIAN_TYPE_ALIASES.get(flat, raw)


class LvtSegment(BaseModel):
    """The low-volume threshold applied to one determination segment (spec 1.3)."""

    segment: int
    allowed_charges: float | None
    beneficiaries: int | None
    covered_services: int | None
    exceeds_charges: bool | None
    exceeds_beneficiaries: bool | None
    exceeds_services: bool | None

    @property
    def complete(self) -> bool:
        return None not in (self.exceeds_charges, self.exceeds_beneficiaries, self.exceeds_services)

    @property
    def exceeds_all(self) -> bool:
        return (
            self.exceeds_charges is True
            and self.exceeds_beneficiaries is True
            and self.exceeds_services is True
        )

    @property
    def known_below(self) -> bool:
        """At least one given figure is at or below its limit (so the LVT is not exceeded)."""
        return False in (self.exceeds_charges, self.exceeds_beneficiaries, self.exceeds_services)

    @property
    def exceeds_any(self) -> bool:
        return True in (self.exceeds_charges, self.exceeds_beneficiaries, self.exceeds_services)


class EligibilityResult(BaseModel):
    status: EligibilityStatus
    reasons: list[str] = Field(default_factory=list)
    clinician_type: str | None = None
    lvt_segments: list[LvtSegment] = Field(default_factory=list)

    @property
    def payment_adjustment_applies(self) -> bool:
        """Excluded and voluntary (opt-in eligible without an election) reporters get no adjustment."""
        return self.status in ADJUSTED_STATUSES


def claims_segments(profile: Profile) -> list[ClaimsSegment]:
    """The determination segments given: ``claims.segments`` when present, else the claims summary itself."""
    if profile.claims is None:
        return []
    return list(profile.claims.segments) or [profile.claims]


def _lvt_segment(i: int, seg: ClaimsSegment, rules: EligibilityRules) -> LvtSegment:
    def above(value: float | None, limit: float) -> bool | None:
        return None if value is None else value > limit

    return LvtSegment(
        segment=i,
        allowed_charges=seg.allowed_charges,
        beneficiaries=seg.beneficiaries,
        covered_services=seg.covered_services,
        exceeds_charges=above(seg.allowed_charges, rules.lvt_allowed_charges),
        exceeds_beneficiaries=above(seg.beneficiaries, rules.lvt_beneficiaries),
        exceeds_services=above(seg.covered_services, rules.lvt_covered_services),
    )


def _describe(seg: LvtSegment, rules: EligibilityRules, label: str) -> str:
    def part(value: float | None, limit: float, what: str, money: bool = False) -> str:
        if value is None:
            return f"{what} not given"
        shown = f"${value:,.2f}" if money else f"{value:,.0f}"
        lim = f"${limit:,.0f}" if money else f"{limit:,.0f}"
        return f"{what} {shown} {'>' if value > limit else '<='} {lim}"

    return (
        f"Low-volume threshold{label}: "
        + "; ".join(
            [
                part(seg.allowed_charges, rules.lvt_allowed_charges, "allowed charges", money=True),
                part(seg.beneficiaries, rules.lvt_beneficiaries, "Part B patients"),
                part(seg.covered_services, rules.lvt_covered_services, "covered services"),
            ]
        )
        + (" - exceeds all three" if seg.exceeds_all else "")
        + "."
    )


def evaluate_eligibility(
    key: EntityKey, profile: Profile | None, rules: EligibilityRules
) -> EligibilityResult:
    """Eligibility status with the reasons a quality manager can read (spec 1.2-1.6)."""
    if profile is None:
        return EligibilityResult(
            status="unknown",
            reasons=[
                "No profile received: eligibility, special statuses and exceptions are not known yet; "
                "scored as a required, non-special-status entity and the result is preliminary."
            ],
        )
    reasons: list[str] = []
    ctype = normalise_clinician_type(profile.clinician_type, rules.clinician_types)
    if rules.qp_excluded and profile.qualifying_apm_participant:
        return EligibilityResult(
            status="excluded",
            clinician_type=ctype,
            reasons=["Qualifying APM Participant (QP): excluded from MIPS."],
        )
    if ctype is not None and ctype not in rules.clinician_types:
        return EligibilityResult(
            status="excluded",
            clinician_type=ctype,
            reasons=[f"Clinician type '{profile.clinician_type}' is not a MIPS eligible clinician type."],
        )
    if ctype is not None:
        reasons.append(f"Clinician type '{ctype}' is MIPS eligible.")
    elif key.entity_type == "individual":
        reasons.append("Clinician type not given: assumed MIPS eligible.")
    year = key.performance_year
    enrolled = profile.first_medicare_enrollment_year
    if rules.newly_enrolled_excluded and enrolled is not None and enrolled >= year:
        return EligibilityResult(
            status="excluded",
            clinician_type=ctype,
            reasons=[
                *reasons,
                f"Newly enrolled: first Medicare enrollment in {enrolled}, during performance year {year}: "
                "exempt for the year"
                + ("" if rules.newly_enrolled_may_opt_in else " and cannot opt in")
                + ".",
            ],
        )
    segments = [_lvt_segment(i, s, rules) for i, s in enumerate(claims_segments(profile), start=1)]
    if not segments:
        return EligibilityResult(
            status="unknown",
            clinician_type=ctype,
            reasons=[
                *reasons,
                "No claims figures in the profile: the low-volume threshold cannot be applied.",
            ],
        )
    several = len(segments) > 1
    for seg in segments:
        reasons.append(_describe(seg, rules, f" segment {seg.segment}" if several else ""))
    judged = segments if rules.lvt_all_segments_required else segments[-1:]
    if not all(seg.complete for seg in judged):
        # one figure at or below its limit already rules the LVT out (spec 1.3: excluded if <= any one)
        if not any(seg.known_below for seg in judged):
            return EligibilityResult(
                status="unknown",
                clinician_type=ctype,
                lvt_segments=segments,
                reasons=[*reasons, "Claims figures incomplete: the low-volume threshold cannot be applied."],
            )
        if not any(seg.exceeds_any for seg in judged):
            reasons.append(
                "Claims figures incomplete, but a figure at or below its limit means the low-volume "
                "threshold is not exceeded: not required to participate, no payment adjustment."
            )
            return EligibilityResult(
                status="unknown" if profile.opted_in else "excluded",
                clinician_type=ctype,
                lvt_segments=segments,
                reasons=reasons,
            )
    if all(seg.exceeds_all for seg in judged):
        reasons.append(
            "Exceeds the low-volume threshold"
            + (" in both determination segments" if several else "")
            + ": MIPS participation required."
        )
        return EligibilityResult(
            status="required", clinician_type=ctype, lvt_segments=segments, reasons=reasons
        )
    if any(seg.exceeds_any for seg in judged):
        if profile.opted_in:
            reasons.append(
                "Exceeds one or two but not all three low-volume criteria and elected to opt in: "
                "scored with a payment adjustment."
            )
            return EligibilityResult(
                status="optedIn", clinician_type=ctype, lvt_segments=segments, reasons=reasons
            )
        reasons.append(
            "Exceeds one or two but not all three low-volume criteria: opt-in eligible. Without an opt-in "
            "election the data is voluntary and no payment adjustment applies."
        )
        return EligibilityResult(
            status="optInEligible", clinician_type=ctype, lvt_segments=segments, reasons=reasons
        )
    reasons.append("Below the low-volume threshold on all three criteria: excluded from MIPS.")
    return EligibilityResult(status="excluded", clinician_type=ctype, lvt_segments=segments, reasons=reasons)
