"""The score result document (contract section 2): one JSON document per entity."""

from __future__ import annotations

from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr
from pydantic.alias_generators import to_camel
from pydantic.main import IncEx

from ..explain import round4
from .common import ReportingOption


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class EntityOut(_Out):
    entity_type: str
    taxpayer_identification_number: str
    national_provider_identifier: str | None = None
    entity_id: str | None = None


class EligibilityOut(_Out):
    status: str  # required | optInEligible | optedIn | excluded | voluntary
    reasons: list[str] = Field(default_factory=list)


class CategoryOut(_Out):
    score: float | None
    weight: float
    reweighted: bool = False
    reweighting_reason: str | None = None
    points: float | None = None
    max_points: float | None = None


class PaymentAdjustmentOut(_Out):
    payment_year: int
    percent: float
    direction: Literal["positive", "neutral", "negative"]
    #: optional (omitted unless true): the percent rests on an estimated scaling factor, and why
    estimated: bool | None = None
    estimate_reason: str | None = None


class VersionsOut(_Out):
    engine: str
    rules: str
    reference_data: str


class WarningOut(_Out):
    """A validation warning of an input that was scored (in the spirit of the QPP API's warnings)."""

    path: str
    message: str
    code: str | None = None
    input: str | None = None  # submission | profile | cmsData


#: what ``ScoreResult.to_doc`` leaves out of ``model_dump`` when every explanation is marked
_EXPLANATIONS = cast("IncEx", {"explanation": True, "alternatives": {"__all__": {"explanation"}}})


class ScoreResult(_Out):
    performance_year: int
    payment_year: int
    entity: EntityOut
    reporting_option: ReportingOption
    mvp_id: str | None = None
    #: ``preview``: a year whose rule pack is a preview (see ``estimates``)
    status: Literal["preliminary", "final", "preview"]
    eligibility: EligibilityOut
    special_statuses: list[str] = Field(default_factory=list)
    categories: dict[str, CategoryOut]
    complex_patient_bonus: float = 0.0
    final_score: float
    payment_adjustment: PaymentAdjustmentOut
    explanation: dict[str, Any]
    alternatives: list[ScoreResult] = Field(default_factory=list)
    versions: VersionsOut
    #: "facilityBased" when quality and cost come from facility-based measurement (42 CFR 414.1380(e));
    #: absent otherwise (emitted only when set)
    scoring_standard: str | None = None
    warnings: list[WarningOut] = Field(default_factory=list)
    #: optional (omitted when empty): which parts of this result are estimates, and why
    estimates: list[str] | None = None
    #: the explanation object :func:`mark_explanation_rounded` recorded as already rounded (or None)
    _rounded_explanation: dict[str, Any] | None = PrivateAttr(default=None)

    def to_doc(self) -> dict[str, Any]:
        """The exact JSON document of contract 2: camelCase, numbers rounded to 4 dp.

        ``mvpId`` is emitted only for MVP results; alternatives carry no ``alternatives`` of their own;
        ``warnings`` (optional) only when an input had validation warnings.

        An explanation the engine built (see :func:`mark_explanation_rounded`) is neither serialised
        nor rounded again: it is JSON data with 4-dp numbers already, and serialising it was a fifth of
        the kernel's time (issue 15). The document then holds that very dict: treat it as read-only
        (``json.dumps`` it, store it), or copy it before changing it.
        """
        fast = self._is_marked() and all(alt._is_marked() for alt in self.alternatives)
        doc = self.model_dump(by_alias=True, mode="json", exclude=_EXPLANATIONS if fast else None)
        _drop_unset_optional(doc)
        for alt in doc.get("alternatives", []):
            alt.pop("alternatives", None)
            alt.pop("warnings", None)
            _drop_unset_optional(alt)
        return self._round(doc)

    def _is_marked(self) -> bool:
        return self._rounded_explanation is self.explanation

    def _round(self, doc: dict[str, Any]) -> dict[str, Any]:
        """``round4(doc)`` in field order, the marked explanation put in as it is (rounding is
        idempotent, so the document is the same)."""
        alternatives = self.alternatives
        out: dict[str, Any] = {}
        for name, info in type(self).model_fields.items():
            key = info.alias or name
            if key == "explanation" and self._is_marked():
                out[key] = self.explanation
            elif key not in doc:
                continue
            elif key == "alternatives" and len(doc[key]) == len(alternatives):
                out[key] = [alt._round(d) for alt, d in zip(alternatives, doc[key], strict=True)]
            else:
                out[key] = round4(doc[key])
        return out


def mark_explanation_rounded(result: ScoreResult) -> ScoreResult:
    """Record that ``result.explanation`` is JSON data (dicts, lists, str, int, float, bool, None) with
    4-dp numbers only (built by ``Node.to_doc``), so that ``to_doc`` need not serialise or round it again.
    Whoever mutates such an explanation in place must add such content only (as the engine does with
    ``Node.to_doc()``).

    The mark is the explanation object itself, kept in a private attribute: ``model_copy`` (which
    :func:`mips.engine.choose` applies to every option) keeps it, and it stops counting as soon as
    ``explanation`` is replaced by another object (that one is rounded again)."""
    result._rounded_explanation = result.explanation
    return result


def _drop_unset_optional(doc: dict[str, Any]) -> None:
    """Optional fields added after the first contract appear only when set (documents stay unchanged)."""
    for key in ("mvpId", "scoringStandard", "estimates"):
        if doc.get(key) is None:
            doc.pop(key, None)
    for key in ("warnings",):  # optional lists: only when not empty
        if not doc.get(key):
            doc.pop(key, None)
    pay = doc.get("paymentAdjustment") or {}
    for key in ("estimated", "estimateReason"):
        if pay.get(key) is None:
            pay.pop(key, None)
