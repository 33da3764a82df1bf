"""APM Entity Promoting Interoperability from its clinicians' scores (42 CFR 414.1317).

An APM Entity's PI score is the average of the higher of each MIPS eligible clinician's group or individual
PI score; a clinician who qualifies for PI reweighting (an exception) and has no score is left out of the
average (null), one without a score counts as 0. Used when the APM Entity did not report PI itself and
its profile's roster (``clinicians``) carries clinician-level PI (``individualPiScore``/``groupPiScore``,
or ``piReweightingQualifies``).
When every clinician is left out, PI is not scored (and is reweighted).
"""

from __future__ import annotations

from ..explain import Node
from ..scoring import CategoryResult, ScoringContext

__all__ = ["apm_entity_pi"]


def apm_entity_pi(result: CategoryResult, ctx: ScoringContext) -> CategoryResult:
    """The APM Entity's PI from its clinicians' scores, or ``result`` unchanged when that does not apply."""
    if ctx.entity_type != "apmEntity" or result.data_submitted:
        return result
    roster = ctx.clinicians
    if not any(
        c.individual_pi_score is not None or c.group_pi_score is not None or c.pi_reweighting_qualifies
        for c in roster
    ):
        return result
    parts: list[Node] = []
    counted: list[float] = []
    for c in roster:
        given = [s for s in (c.individual_pi_score, c.group_pi_score) if s is not None]
        who = f"NPI {c.national_provider_identifier}"
        if given:
            best = max(given)
            counted.append(best)
            parts.append(
                Node(
                    name="clinicianPi",
                    value=best,
                    detail=f"{who}: higher of individual {c.individual_pi_score} / group {c.group_pi_score}"
                    f" = {best:.4f} (42 CFR 414.1317)",
                )
            )
        elif c.pi_reweighting_qualifies:
            parts.append(
                Node(
                    name="clinicianPi",
                    value=None,
                    detail=f"{who}: qualifies for PI reweighting, no PI score: left out of the average",
                )
            )
        else:
            counted.append(0.0)
            parts.append(Node(name="clinicianPi", value=0.0, detail=f"{who}: no PI score: counts as 0"))
    if not counted:
        node = Node(
            name="pi",
            value=None,
            detail="Every clinician of the APM Entity qualifies for PI reweighting without a PI score: PI is "
            "not scored (42 CFR 414.1317).",
            parts=parts,
        )
        return CategoryResult(
            category="pi",
            reporting_option=ctx.reporting_option,
            mvp_id=ctx.mvp_id,
            score=None,
            not_scored_reason="allCliniciansQualify",
            explanation=node,
            metadata={"apmEntityPiFromClinicians": True},
        )
    avg = sum(counted) / len(counted)
    node = Node(
        name="pi",
        value=avg,
        detail=f"APM Entity PI = average of {len(counted)} clinicians' higher group/individual PI scores "
        f"({' + '.join(f'{x:.4f}' for x in counted)}) / {len(counted)} = {avg:.4f} (42 CFR 414.1317).",
        parts=parts,
    )
    return CategoryResult(
        category="pi",
        reporting_option=ctx.reporting_option,
        mvp_id=ctx.mvp_id,
        score=avg,
        points=avg,
        max_points=100.0,
        data_submitted=True,
        explanation=node,
        metadata={
            "apmEntityPiFromClinicians": True,
            "unroundedScoreValue": avg,
            "cliniciansCounted": len(counted),
        },
    )
