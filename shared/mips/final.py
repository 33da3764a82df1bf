"""Final score (spec 9), complex patient bonus (spec 8.1) and the payment adjustment (spec 10).

Pure functions over the weight decision, the category results, the CMS data and the year's rules.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel

from .eligibility import EligibilityResult
from .explain import Node
from .models.cms_data import CmsData, ComplexPatientIndicators
from .reweighting import CATEGORIES, WeightDecision
from .rules import YearRules
from .rules.bonus import CpbPopulation
from .rules.payment import PaymentRules
from .scoring import CategoryResult

#: categories whose data a clinician submits (cost is calculated by CMS): CPB needs one of them (spec 8.1)
SUBMITTED_CATEGORIES: tuple[str, ...] = ("quality", "ia", "pi")

#: float noise guard for comparisons with the threshold (not a policy rounding: that is a rules parameter)
_NOISE_DECIMALS = 9


class BonusResult(BaseModel):
    points: float
    source: Literal["given", "computed", "none"]
    node: Node


def _fmt(x: float) -> str:
    return f"{x:.4f}"


def _data_submitted(results: dict[str, CategoryResult]) -> list[str]:
    return [c for c in SUBMITTED_CATEGORIES if c in results and results[c].data_submitted]


def complex_patient_bonus(
    cms_data: CmsData | None,
    results: dict[str, CategoryResult],
    entity_type: str,
    rules: YearRules,
    facility_based: bool = False,
) -> BonusResult:
    """CPB points: the CMS figure when given, computed from the indicators only when the population
    means/SDs/medians are configured (42 CFR 414.1380(c)(3)(v)-(viii)), 0 without data submission."""
    b = rules.bonus
    given = cms_data.complex_patient_bonus if cms_data is not None else None

    def none(detail: str) -> BonusResult:
        return BonusResult(
            points=0.0, source="none", node=Node(name="complexPatientBonus", value=0.0, detail=detail)
        )

    if given is None:
        return none("No complex patient bonus in the CMS-calculated data: 0 points.")
    facility_ok = facility_based and b.cpb_facility_based_eligible  # 414.1380(c)(3)
    if b.cpb_requires_data_submission and not _data_submitted(results) and not facility_ok:
        return none("No data submitted for quality, IA or PI: not eligible for the complex patient bonus.")
    if isinstance(given, ComplexPatientIndicators):
        pop = b.cpb_population_individual if entity_type == "individual" else b.cpb_population_group
        if pop is None:
            return none(
                f"Complex patient indicators given (average HCC risk score {given.average_hcc_risk_score:g}, "
                f"dual-eligible ratio {given.dual_eligible_ratio:g}) but the population mean, standard "
                "deviation and median of the risk indicators (42 CFR 414.1380(c)(3)(v)-(vii)) are not "
                "published for this year (unset parameters bonus.cpb_population_*): the bonus cannot be "
                "computed, 0 points. Supply the bonus CMS published as a number instead."
            )
        return _computed_cpb(given, pop, rules)
    pts = float(given)
    if not math.isfinite(pts):
        return BonusResult(
            points=0.0,
            source="given",
            node=Node(
                name="complexPatientBonus",
                value=0.0,
                detail=f"Given bonus {pts:g} is not a finite number of points: taken as 0.",
            ),
        )
    if pts < 0:
        return BonusResult(
            points=0.0,
            source="given",
            node=Node(
                name="complexPatientBonus", value=0.0, detail=f"Given bonus {pts:g} is negative: taken as 0."
            ),
        )
    capped = min(b.cpb_cap, pts)
    detail = f"Complex patient bonus {pts:g} points as calculated by CMS"
    detail += f", capped at {b.cpb_cap:g}." if pts > b.cpb_cap else "."
    return BonusResult(
        points=capped, source="given", node=Node(name="complexPatientBonus", value=capped, detail=detail)
    )


def _computed_cpb(given: ComplexPatientIndicators, pop: CpbPopulation, rules: YearRules) -> BonusResult:
    """42 CFR 414.1380(c)(3)(v)-(viii): for each risk indicator at or above its population median, a
    component of 1.5 + 4 x standardized score, standardized score = (raw - mean) / SD; the components are
    added and the bonus kept within 0-10."""
    b = rules.bonus
    lines: list[str] = []
    meta: dict[str, float | None] = {}
    total = 0.0
    for label, key, raw, mean, sd, median in (
        ("medical (HCC)", "Hcc", given.average_hcc_risk_score, pop.hcc_mean, pop.hcc_sd, pop.hcc_median),
        (
            "social (dual proportion)",
            "Dual",
            given.dual_eligible_ratio,
            pop.dual_mean,
            pop.dual_sd,
            pop.dual_median,
        ),
    ):
        if raw < median:
            lines.append(f"{label}: {raw:g} is below the median {median:g}, no component")
            meta[f"z{key}"] = None
            meta[f"component{key}"] = 0.0
            continue
        if sd <= 0:
            lines.append(f"{label}: standard deviation {sd:g} is not positive, no component")
            meta[f"z{key}"] = None
            meta[f"component{key}"] = 0.0
            continue
        z = (raw - mean) / sd
        comp = b.cpb_component_constant + b.cpb_component_multiplier * z
        total += comp
        meta[f"z{key}"] = z
        meta[f"component{key}"] = comp
        lines.append(
            f"{label}: {raw:g} >= median {median:g}; standardized ({raw:g} - {mean:g}) / {sd:g} = {z:.4f}; "
            f"component {b.cpb_component_constant:g} + {b.cpb_component_multiplier:g} x {z:.4f} = {comp:.4f}"
        )
    pts = min(b.cpb_cap, max(b.cpb_floor, total))
    detail = (
        "; ".join(lines)
        + f"; bonus = sum {total:.4f}, kept within {b.cpb_floor:g}-{b.cpb_cap:g} = {pts:.4f} "
        "(42 CFR 414.1380(c)(3)(v)-(viii))."
    )
    return BonusResult(
        points=pts,
        source="computed",
        node=Node(name="complexPatientBonus", value=pts, detail=detail, metadata=dict(meta)),
    )


class FinalScore(BaseModel):
    value: float
    weighted_sum: float | None  # None when the threshold rule applied
    contributions: dict[str, float]
    complex_patient_bonus: float
    capped: bool = False
    threshold_rule: bool = False
    detail: str


def final_score(
    decision: WeightDecision, results: dict[str, CategoryResult], cpb: float, rules: YearRules
) -> FinalScore:
    """Weighted sum of the scored categories plus the bonus, capped; or the performance threshold when
    fewer than two categories carry weight after redistribution (spec 3.0, 9.1, 17)."""
    threshold = rules.payment.performance_threshold
    if decision.fewer_than_minimum:
        n = len(decision.scored_categories)
        which = f" ({decision.scored_categories[0]} only)" if n == 1 else ""
        return FinalScore(
            value=threshold,
            weighted_sum=None,
            contributions=dict.fromkeys(CATEGORIES, 0.0),
            complex_patient_bonus=0.0,
            threshold_rule=True,
            detail=(
                f"{n} performance categor{'y' if n == 1 else 'ies'} scored{which}, fewer than "
                f"{rules.weights.min_scored_categories}: final score = performance threshold {threshold:g} "
                "."
            ),
        )
    contributions: dict[str, float] = {}
    terms: list[str] = []
    for c in CATEGORIES:
        w = decision.weights.get(c, 0.0)
        score = results[c].score if c in results else None
        contributions[c] = (score or 0.0) * w / 100.0 if w > 0 else 0.0
        if w > 0:
            terms.append(f"{w / 100:.2f} x {_fmt(score or 0.0)}")
    weighted = sum(contributions.values())
    total = weighted + cpb
    cap = rules.bonus.final_score_cap
    value = min(cap, total)
    detail = " + ".join(terms) + f" = {_fmt(weighted)}"
    if cpb:
        detail += f"; + complex patient bonus {_fmt(cpb)} = {_fmt(total)}"
    if total > cap:
        detail += f"; capped at {cap:g}"
    detail += "."
    return FinalScore(
        value=value,
        weighted_sum=weighted,
        contributions=contributions,
        complex_patient_bonus=cpb,
        capped=total > cap,
        detail=detail,
    )


class PaymentAdjustment(BaseModel):
    payment_year: int
    percent: float
    direction: Literal["positive", "neutral", "negative"]
    applies: bool = True
    detail: str
    #: True when the percent rests on an estimated parameter (an unpublished scaling factor)
    estimated: bool = False
    estimate_reason: str | None = None


def scaling_factor(p: PaymentRules) -> tuple[float, bool]:
    """The scaling factor for positive adjustments and whether it is an estimate (spec 10; the year's
    factor is published only after final scoring, so until then ``estimate_scaling_factor`` stands in)."""
    if p.scaling_factor is not None:
        return p.scaling_factor, False
    if p.estimate_scaling_factor is None:
        raise ValueError(
            f"payment.yaml: neither scaling_factor nor estimate_scaling_factor is set for {p.payment_year}"
        )
    return p.estimate_scaling_factor, True


def adjustment_percent(score: float, p: PaymentRules, max_score: float = 100.0) -> tuple[float, str]:
    """The MIPS payment adjustment factor in percent for a final score, with its arithmetic (spec 10).

    The negative line runs from 0% at the threshold to -applicable% at a score of 0; every score at or
    below a quarter of the threshold gets -applicable% (so there is a step at 18.75).
    """
    fs = (
        round(score, p.final_score_comparison_decimals)
        if p.final_score_comparison_decimals is not None
        else score
    )
    fs_cmp = round(fs, _NOISE_DECIMALS)
    t, ap = p.performance_threshold, p.applicable_percent
    floor = t * p.max_negative_threshold_fraction
    if fs_cmp <= floor:
        return (
            -ap,
            f"Final score {_fmt(fs)} <= {floor:g} (one-fourth of the threshold {t:g}): -{ap:g}%.",
        )
    if fs_cmp < t:
        pct = -ap * (t - fs) / t
        return pct, f"-{ap:g}% x ({t:g} - {_fmt(fs)}) / {t:g} = {pct:.4f}% (below the threshold)."
    if fs_cmp == t:
        return 0.0, f"Final score {_fmt(fs)} equals the performance threshold {t:g}: 0%."
    sf, estimated = scaling_factor(p)
    pct = ap * sf * (fs - t) / (max_score - t)
    why = (
        f"ESTIMATE: the {p.payment_year} scaling factor is not published, {sf:.6f} is an assumed value"
        if estimated
        else "scaling factor UNCONFIRMED"
    )
    return pct, (
        f"+{ap:g}% x scaling factor {sf:.6f} x ({_fmt(fs)} - {t:g}) / {max_score - t:g} = "
        f"+{pct:.4f}% (above the threshold; {why})."
    )


def payment_adjustment(score: float, eligibility: EligibilityResult, rules: YearRules) -> PaymentAdjustment:
    p = rules.payment
    pct, detail = adjustment_percent(score, p, rules.bonus.final_score_cap)
    if not eligibility.payment_adjustment_applies:
        return PaymentAdjustment(
            payment_year=p.payment_year,
            percent=0.0,
            direction="neutral",
            applies=False,
            detail=(
                f"Eligibility status '{eligibility.status}': no MIPS payment adjustment applies in "
                f"{p.payment_year} (the score is informational; it would have meant {pct:+.4f}%)."
            ),
        )
    pct = 0.0 if round(pct, _NOISE_DECIMALS) == 0 else pct
    direction: Literal["positive", "neutral", "negative"] = (
        "positive" if pct > 0 else "negative" if pct < 0 else "neutral"
    )
    # only a positive adjustment depends on the scaling factor: zero and negative ones are exact
    estimated = pct > 0 and scaling_factor(p)[1]
    return PaymentAdjustment(
        payment_year=p.payment_year,
        percent=pct,
        direction=direction,
        detail=detail,
        estimated=estimated,
        estimate_reason=(
            f"the {p.payment_year} scaling factor is not published yet; the positive adjustment uses the "
            f"assumed factor {scaling_factor(p)[0]:.6f} (payment.estimate_scaling_factor)"
            if estimated
            else None
        ),
    )
