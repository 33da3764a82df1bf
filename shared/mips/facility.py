"""Facility-based measurement (42 CFR 414.1380(e)): quality and cost from the hospital's Hospital VBP score.

CMS determines who is facility-based ((e)(2)) and derives the two category scores from the attributed
facility's Hospital VBP Total Performance Score percentile ((e)(5), (e)(6)(iv)-(v)); the engine takes both
as CMS-calculated input (``facilityBased`` in the CMS data: its presence is the facility-based status).
The facility-based quality and cost scores replace the submitted ones ("not scored on cost measures",
(e)(6)(v)(A); no improvement points, (e)(6)(iv)-(v)) and are used unless another MIPS submission gives a
higher final score ((e)(6)(vi)(B), from the 2024 MIPS payment year): the engine scores both ways and keeps
the higher final score, a tie going to facility-based measurement.
"""

from __future__ import annotations

from .explain import Node
from .models.cms_data import CmsData, FacilityBasedScores
from .scoring import CategoryResult, ScoringContext

#: entity types facility-based measurement can apply to ((e)(2): individuals, groups and, from the 2025
#: MIPS payment year, virtual groups; not subgroups or APM Entities)
FACILITY_ENTITY_TYPES: frozenset[str] = frozenset({"individual", "group", "virtualGroup"})
#: reporting options it applies to: traditional MIPS and MVPs (414.1365), not the APP
FACILITY_REPORTING_OPTIONS: frozenset[str] = frozenset({"traditional", "mvp"})
#: a group must submit data for one of these categories to be scored as facility-based ((e)(4))
GROUP_SUBMISSION_CATEGORIES: tuple[str, ...] = ("ia", "pi")

SCORING_STANDARD = "facilityBased"


def facility_scores(
    ctx: ScoringContext, cms_data: CmsData | None, results: dict[str, CategoryResult]
) -> tuple[FacilityBasedScores | None, str]:
    """The facility-based scores that apply to this entity and option, or None, with the reason."""
    fb = cms_data.facility_based if cms_data is not None else None
    if fb is None:
        return None, "no facility-based scores in the CMS-calculated data"
    if ctx.entity_type not in FACILITY_ENTITY_TYPES:
        return None, f"facility-based measurement does not apply to a {ctx.entity_type} (414.1380(e)(2))"
    if ctx.reporting_option not in FACILITY_REPORTING_OPTIONS:
        return None, "facility-based measurement does not apply in the APP"
    if ctx.entity_type != "individual" and not any(
        results.get(c) is not None and results[c].data_submitted for c in GROUP_SUBMISSION_CATEGORIES
    ):
        return None, (
            "a group is scored as facility-based only when it submitted improvement activities or "
            "Promoting Interoperability data (42 CFR 414.1380(e)(4))"
        )
    return fb, ""


def _result(category: str, score: float, ctx: ScoringContext, fb: FacilityBasedScores) -> CategoryResult:
    facility = f" of facility {fb.facility_ccn}" if fb.facility_ccn else ""
    extra = (
        " Not scored on cost measures (414.1380(e)(6)(v)(A)); no cost improvement."
        if category == "cost"
        else " No quality improvement points (414.1380(e)(6)(iv))."
    )
    node = Node(
        name=category,
        value=score,
        detail=(
            f"Facility-based measurement: {category} score {score:.4f}% derived by CMS from the Hospital VBP "
            f"Total Performance Score{facility} (42 CFR 414.1380(e)(6)).{extra}"
        ),
        metadata={"scoringStandard": SCORING_STANDARD, "facilityCcn": fb.facility_ccn},
    )
    return CategoryResult(
        category=category,  # type: ignore[arg-type]
        reporting_option=ctx.reporting_option,
        mvp_id=ctx.mvp_id,
        score=score,
        data_submitted=False,
        explanation=node,
        metadata={"scoringStandard": SCORING_STANDARD, "unroundedScoreValue": score},
    )


def facility_results(
    results: dict[str, CategoryResult], fb: FacilityBasedScores, ctx: ScoringContext
) -> dict[str, CategoryResult]:
    """The option's category results with quality and cost from facility-based measurement."""
    out = dict(results)
    out["quality"] = _result("quality", fb.quality_score, ctx, fb)
    out["cost"] = _result("cost", fb.cost_score, ctx, fb)
    return out
