"""The scoring engine: one entity's submission, profile and CMS data -> the contract's result document.

``score`` is exactly the composition of the public steps below; the event pipeline runs the same steps
in separate Lambda functions (eligibility, quality, ia, pi, cost, reweighting, aggregator), passing the
pydantic models between them, and must get the same result:

    evaluation = evaluate_entity(key, profile, rules)
    for option in reporting_options(submission):
        ctx = build_context(key, option, submission, evaluation, profile)
        results = {c: score_category(c, submission, cms_data, ctx, ref, rules) for c in CATEGORIES}
        decision = reweight(ctx, results, evaluation, profile, rules)
        scored.append(finalize_option(key, ctx, results, decision, evaluation, profile, cms_data, ref, rules,
                                      input_status(profile, cms_data)))
    result = choose(scored)
"""

from __future__ import annotations

import importlib
from typing import Any, Literal

from pydantic import BaseModel

from . import ENGINE_VERSION
from .categories.pi_entity import apm_entity_pi
from .eligibility import EligibilityResult, evaluate_eligibility
from .explain import Node
from .explain_annotate import CATEGORY_TITLES, category_subtree, feedback_node, opportunities
from .facility import SCORING_STANDARD as FACILITY_STANDARD
from .facility import facility_results, facility_scores
from .final import FinalScore, complex_patient_bonus, final_score, payment_adjustment
from .models.cms_data import CmsData
from .models.common import EntityKey
from .models.profile import Profile
from .models.result import (
    CategoryOut,
    EligibilityOut,
    EntityOut,
    PaymentAdjustmentOut,
    ScoreResult,
    VersionsOut,
    mark_explanation_rounded,
)
from .models.submission import MeasurementSet, Submission
from .reference import ReferenceData
from .reweighting import CATEGORIES, WeightDecision, reason_text, reweight
from .rules import YearRules, rules_for
from .scoring import CategoryResult, ScoringContext
from .statuses import EntityEvaluation, StatusResult, derive_statuses

__all__ = [
    "CATEGORIES",
    "EligibilityResult",
    "EntityEvaluation",
    "InputMismatch",
    "OptionSpec",
    "StatusResult",
    "WeightDecision",
    "build_context",
    "choose",
    "entity_key",
    "evaluate_entity",
    "finalize_option",
    "input_status",
    "option_sets",
    "reporting_options",
    "reweight",
    "score",
    "score_category",
]


class InputMismatch(ValueError):
    """The submission, profile and CMS data do not describe the same entity (contract 1)."""


class OptionSpec(BaseModel):
    """One reporting option found in a submission: traditional MIPS, one MVP, or the APP."""

    reporting_option: Literal["traditional", "mvp", "app"]
    program_name: str
    mvp_id: str | None = None


TRADITIONAL = OptionSpec(reporting_option="traditional", program_name="mips", mvp_id=None)


def _option_of(ms: MeasurementSet) -> OptionSpec:
    opt = ms.reporting_option
    if opt == "traditional":
        return TRADITIONAL
    if opt == "app":
        return OptionSpec(reporting_option="app", program_name=ms.program_name, mvp_id=None)
    return OptionSpec(reporting_option="mvp", program_name=ms.program_name, mvp_id=ms.mvp_id)


def evaluate_entity(key: EntityKey, profile: Profile | None, rules: YearRules) -> EntityEvaluation:
    """Eligibility and special statuses from the profile (spec 1, 2)."""
    return EntityEvaluation(
        eligibility=evaluate_eligibility(key, profile, rules.eligibility),
        statuses=derive_statuses(key, profile, rules.eligibility),
    )


def reporting_options(submission: Submission | None) -> list[OptionSpec]:
    """The reporting options in a submission, grouped by ``programName`` (traditional first); a missing
    or empty submission is scored as traditional MIPS with nothing submitted (spec 3.0 note)."""
    found: list[OptionSpec] = []
    for ms in submission.measurement_sets if submission is not None else []:
        opt = _option_of(ms)
        if opt not in found:
            found.append(opt)
    found.sort(key=lambda o: o.reporting_option != "traditional")
    return found or [TRADITIONAL]


def _same_option(ms: MeasurementSet, ctx: ScoringContext) -> bool:
    """``_option_of(ms)`` is the context's option (compared field by field: this runs for every set of
    every category, and building an ``OptionSpec`` each time cost more than the comparison)."""
    opt = ms.reporting_option
    program = TRADITIONAL.program_name if opt == "traditional" else ms.program_name
    return opt == ctx.reporting_option and program == ctx.program_name


def option_sets(
    submission: Submission | None, ctx: ScoringContext, category: str | None = None
) -> list[MeasurementSet]:
    """The measurement sets of the context's reporting option (optionally of one category)."""
    if submission is None:
        return []
    return [
        ms
        for ms in submission.measurement_sets
        if _same_option(ms, ctx) and (category is None or ms.category == category)
    ]


def build_context(
    key: EntityKey,
    option: OptionSpec,
    submission: Submission | None,
    evaluation: EntityEvaluation,
    profile: Profile | None,
) -> ScoringContext:
    st = evaluation.statuses
    ctx = ScoringContext(
        performance_year=key.performance_year,
        entity_type=key.entity_type,
        reporting_option=option.reporting_option,
        program_name=option.program_name,
        mvp_id=option.mvp_id,
        small_practice=st.small_practice,
        rural=st.rural,
        hpsa=st.hpsa,
        non_patient_facing=st.non_patient_facing,
        hospital_based=st.hospital_based,
        asc_based=st.asc_based,
        clinician_count=profile.practice_size if profile else None,
        mips_apm_participant=profile.mips_apm_participant if profile else False,
        prior_year_quality_achievement_percent=profile.prior_year_quality_achievement_percent
        if profile
        else None,
        practice_sites=profile.practice_sites if profile else None,
        pcmh_recognized_practice_sites=profile.pcmh_recognized_practice_sites if profile else None,
        clinicians=list(profile.clinicians) if profile else [],
        euc_exception_approved=bool(
            profile and any(profile.exceptions.extreme_uncontrollable.model_dump().values())
        ),
    )
    submitted = frozenset(ms.category for ms in option_sets(submission, ctx) if ms.measurements)
    return ctx.model_copy(update={"submitted_categories": submitted})


def score_category(
    category: str,
    submission: Submission | None,
    cms_data: CmsData | None,
    ctx: ScoringContext,
    ref: ReferenceData,
    rules: YearRules,
) -> CategoryResult:
    """Score one category of the context's reporting option with its category module."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown performance category {category!r}; expected one of {CATEGORIES}")
    module: Any = importlib.import_module(f"mips.categories.{category}")
    sets = option_sets(submission, ctx, category)
    if category == "quality":
        result: CategoryResult = module.score_quality(sets, cms_data, ctx, ref, rules)
    elif category == "cost":
        result = module.score_cost(cms_data, ctx, ref, rules)
    elif category == "ia":
        result = module.score_ia(sets, ctx, ref, rules)
    else:
        result = apm_entity_pi(module.score_pi(sets, ctx, ref, rules), ctx)
    return result


def input_status(profile: Profile | None, cms_data: CmsData | None) -> Literal["preliminary", "final"]:
    """``preliminary`` while the profile or the CMS-calculated data has not arrived (contract 2)."""
    return "preliminary" if profile is None or cms_data is None else "final"


def _category_node(
    c: str,
    result: CategoryResult | None,
    decision: WeightDecision,
    contribution: float,
    ref: ReferenceData | None = None,
) -> dict[str, Any]:
    """The document of a category's contribution to the final score, its category tree below it."""
    w = decision.weights.get(c, 0.0)
    code = decision.reweighted.get(c)
    if code is not None:
        detail = f"Reweighted to 0%: {reason_text(code)}."
    elif decision.fewer_than_minimum:
        detail = (
            f"Scored {result.score:.4f}% but the final score is the performance threshold."
            if result and (result.score is not None)
            else "Not scored."
        )
    else:
        score = result.score if result and result.score is not None else 0.0
        detail = (
            f"{c.upper()} component of total score: {score:.4f}% x weight {w:g}% = {contribution:.4f} "
            "points of the final score."
        )
    node = Node(
        name=c,
        title=f"{CATEGORY_TITLES[c]} component of total score",
        value=None if code is not None else contribution,  # null when reweighted, as in the document
        unit="points",
        detail=detail,
        metadata={
            "score": None if code is not None or result is None else result.score,
            "weight": w,
            "maxContribution": w,
            "reweighted": code is not None,
            "reweightingReason": code,
        },
    )
    parts = [category_subtree(c, result.explanation, ref)] if result is not None else []
    return node.render(node.name, node.title, node.unit, parts)


def score_adjustment_nodes(fs: FinalScore, rules: YearRules) -> list[Node]:
    """The points between the categories plus bonuses and the final score, so the root's ``points``
    parts add up to it: the cap (spec 9.1) or the performance-threshold rule (spec 3.0, 9.1)."""
    if fs.threshold_rule:
        return [
            Node(
                name="thresholdRule",
                title="Final score set to the performance threshold",
                value=fs.value,
                unit="points",
                detail=fs.detail,
            )
        ]
    if fs.capped and fs.weighted_sum is not None:
        cap = rules.bonus.final_score_cap
        excess = fs.weighted_sum + fs.complex_patient_bonus - cap
        return [
            Node(
                name="finalScoreCap",
                title="Final score cap",
                value=-excess,
                unit="points",
                detail=f"The final score is capped at {cap:g}: {excess:.4f} points above it are not counted "
                ".",
            )
        ]
    return []


def with_feedback(explanation: dict[str, Any], categories: dict[str, CategoryOut]) -> dict[str, Any]:
    """The explanation document plus its ``feedback`` part (top improvement opportunities)."""
    found = opportunities(explanation, {c: _opportunity_fields(out) for c, out in categories.items()})
    return {**explanation, "parts": [*explanation["parts"], feedback_node(found).to_doc()]}


def _opportunity_fields(out: CategoryOut) -> dict[str, Any]:
    """The fields of a category's document that :func:`opportunities` reads, under their JSON names:
    read off the model directly instead of dumping all of it (four dumps per entity, issue 15)."""
    return {
        "score": out.score,
        "weight": out.weight,
        "reweighted": out.reweighted,
        "maxPoints": out.max_points,
    }


def _entity_node(evaluation: EntityEvaluation, status: str) -> Node:
    el = evaluation.eligibility
    statuses = ", ".join(evaluation.statuses.active()) or "none"
    return Node(
        name="entity",
        value=el.status,
        detail=f"Eligibility {el.status}; special statuses: {statuses}; inputs {status}.",
        parts=[
            Node(
                name="eligibility", value=el.status, parts=[Node(name="reason", detail=r) for r in el.reasons]
            ),
            Node(
                name="specialStatuses",
                value=", ".join(evaluation.statuses.active()) or "none",
                parts=[Node(name="reason", detail=r) for r in evaluation.statuses.reasons],
            ),
        ],
    )


def finalize_option(
    key: EntityKey,
    ctx: ScoringContext,
    results: dict[str, CategoryResult],
    decision: WeightDecision,
    evaluation: EntityEvaluation,
    profile: Profile | None,
    cms_data: CmsData | None,
    ref: ReferenceData,
    rules: YearRules,
    status: Literal["preliminary", "final"],
) -> ScoreResult:
    """Final score, complex patient bonus, payment adjustment, explanation tree and versions (spec 8-10).

    When facility-based measurement applies (42 CFR 414.1380(e)), the option is also scored with the
    facility's quality and cost scores; the higher final score is returned (a tie goes to facility-based
    measurement, (e)(6)(vi)(B)) and the other one is in its ``alternatives`` (:func:`choose` flattens them).
    """
    submitted = _finalize(
        key, ctx, results, decision, evaluation, profile, cms_data, ref, rules, status, facility=False
    )
    fb, why_not = facility_scores(ctx, cms_data, results)
    if fb is None:
        if cms_data is not None and cms_data.facility_based is not None:
            note = Node(name="message", detail=f"Facility-based scores not used: {why_not}.")
            submitted.explanation.setdefault("parts", []).append(note.to_doc())
        return submitted
    fb_results = facility_results(results, fb, ctx)
    fb_decision = reweight(ctx, fb_results, evaluation, profile, rules)
    facility = _finalize(
        key, ctx, fb_results, fb_decision, evaluation, profile, cms_data, ref, rules, status, facility=True
    )
    facility = facility.model_copy(
        update={
            "scoring_standard": FACILITY_STANDARD,
            "special_statuses": [*facility.special_statuses, FACILITY_STANDARD],
        }
    )
    if facility.final_score >= submitted.final_score:
        return facility.model_copy(update={"alternatives": [submitted]})
    return submitted.model_copy(update={"alternatives": [facility]})


def _finalize(
    key: EntityKey,
    ctx: ScoringContext,
    results: dict[str, CategoryResult],
    decision: WeightDecision,
    evaluation: EntityEvaluation,
    profile: Profile | None,
    cms_data: CmsData | None,
    ref: ReferenceData,
    rules: YearRules,
    status: Literal["preliminary", "final"],
    facility: bool,
) -> ScoreResult:
    bonus = complex_patient_bonus(cms_data, results, key.entity_type, rules, facility_based=facility)
    fs = final_score(decision, results, bonus.points, rules)
    pay = payment_adjustment(fs.value, evaluation.eligibility, rules)

    categories: dict[str, CategoryOut] = {}
    category_docs: list[dict[str, Any]] = []
    nodes: list[Node] = []
    for c in CATEGORIES:
        result = results.get(c)
        code = decision.reweighted.get(c)
        show = code is None and result is not None
        categories[c] = CategoryOut(
            score=result.score if show and result else None,
            weight=decision.weights.get(c, 0.0),
            reweighted=code is not None,
            reweighting_reason=code,
            points=result.points if show and result else None,
            max_points=result.max_points if show and result else None,
        )
        category_docs.append(_category_node(c, result, decision, fs.contributions.get(c, 0.0), ref))
    cpb = fs.complex_patient_bonus
    bonus_detail = (
        bonus.node.detail if not fs.threshold_rule else "No bonus: the final score is the threshold."
    )
    nodes.append(
        Node(
            name="bonuses", title="Bonuses", value=cpb, unit="points", detail=bonus_detail, parts=[bonus.node]
        )
    )
    nodes.extend(score_adjustment_nodes(fs, rules))
    nodes.append(
        Node(
            name="paymentAdjustment",
            title=f"Payment adjustment {pay.payment_year}",
            value=pay.percent,
            unit="percent",
            detail=pay.detail,
            metadata={
                "paymentYear": pay.payment_year,
                "direction": pay.direction,
                "applies": pay.applies,
                "performanceThreshold": rules.payment.performance_threshold,
                "scalingFactor": rules.payment.scaling_factor,
                "estimated": pay.estimated,
            },
        )
    )
    nodes.append(_entity_node(evaluation, status))
    for note in decision.notes:
        nodes.append(Node(name="message", detail=note))
    total = Node(
        name="total",
        title="Total Score",
        value=fs.value,
        unit="points",
        detail=fs.detail,
        metadata={
            "engineVersion": ENGINE_VERSION,
            "maxTotalScore": rules.bonus.final_score_cap,
            "weights": decision.weights,
            "weightTable": decision.table,
            "reweightedCategories": sorted(decision.reweighted),
            "complexPatientBonus": cpb,
            "performanceThreshold": rules.payment.performance_threshold,
            "paymentAdjustmentPercent": pay.percent,
            "scalingFactor": rules.payment.scaling_factor,
            "unroundedScoreValue": fs.value,
            **{f"{c}CategoryScore": (categories[c].score) for c in CATEGORIES},
            **{f"{c}WeightedScore": fs.contributions.get(c, 0.0) for c in CATEGORIES},
        },
    )
    out = ScoreResult(
        performance_year=key.performance_year,
        payment_year=rules.payment.payment_year,
        entity=EntityOut(
            entity_type=key.entity_type,
            taxpayer_identification_number=key.taxpayer_identification_number,
            national_provider_identifier=key.national_provider_identifier,
            entity_id=key.entity_id,
        ),
        reporting_option=ctx.reporting_option,
        mvp_id=ctx.mvp_id,
        status="preview" if rules.status == "preview" else status,
        eligibility=EligibilityOut(
            status=evaluation.eligibility.status, reasons=evaluation.eligibility.reasons
        ),
        special_statuses=evaluation.statuses.active(),
        categories=categories,
        complex_patient_bonus=cpb,
        final_score=fs.value,
        payment_adjustment=PaymentAdjustmentOut(
            payment_year=pay.payment_year,
            percent=pay.percent,
            direction=pay.direction,
            estimated=True if pay.estimated else None,
            estimate_reason=pay.estimate_reason,
        ),
        explanation=with_feedback(_total_doc(total, category_docs, nodes), categories),
        alternatives=[],
        versions=VersionsOut(engine=ENGINE_VERSION, rules=rules.version, reference_data=ref.version),
        estimates=_estimates(rules, pay.estimated) or None,
    )
    # the explanation is Node.to_doc() output (4 dp already): ScoreResult.to_doc need not round it again
    return mark_explanation_rounded(out)


def _total_doc(total: Node, category_docs: list[dict[str, Any]], nodes: list[Node]) -> dict[str, Any]:
    """The root's document: the category contributions (rendered already), then the other parts."""
    return total.render(total.name, total.title, total.unit, [*category_docs, *(n.to_doc() for n in nodes)])


def _estimates(rules: YearRules, payment_estimated: bool) -> list[str]:
    """The year's estimate notes (years.yaml); the payment note only when this adjustment used it."""
    return [n for n in rules.estimates if payment_estimated or not n.startswith("paymentAdjustment")]


def choose(options: list[ScoreResult]) -> ScoreResult:
    """The highest final score is reported; the other reporting options become ``alternatives``
    (spec 9.2; first listed wins a tie, traditional MIPS first). An option's own alternative (its
    facility-based or submission-based scoring, :func:`finalize_option`) follows it in the list."""
    if not options:
        raise ValueError("no reporting option was scored")
    flat: list[ScoreResult] = []
    for o in options:
        flat.append(o.model_copy(update={"alternatives": []}))
        flat.extend(a.model_copy(update={"alternatives": []}) for a in o.alternatives)
    best = max(range(len(flat)), key=lambda i: (flat[i].final_score, -i))
    others = [o for i, o in enumerate(flat) if i != best]
    return flat[best].model_copy(update={"alternatives": others})


def _same_entity(a: EntityKey, b: EntityKey) -> bool:
    return (
        a.performance_year == b.performance_year
        and a.entity_type == b.entity_type
        and a.taxpayer_identification_number == b.taxpayer_identification_number
        and a.leaf() == b.leaf()
    )


def entity_key(submission: Submission | None, profile: Profile | None, cms_data: CmsData | None) -> EntityKey:
    """The entity key shared by the inputs present; raises :class:`InputMismatch` when they disagree."""
    named = [
        (n, x.key) for n, x in (("submission", submission), ("profile", profile), ("CMS data", cms_data)) if x
    ]
    if not named:
        raise InputMismatch("nothing to score: no submission, profile or CMS data")
    first_name, key = named[0]
    for name, other in named[1:]:
        if not _same_entity(key, other):
            raise InputMismatch(
                f"the {name} is for {other.performance_year}/{other.entity_type}/TIN "
                f"...{other.taxpayer_identification_number[-4:]}/{other.leaf()} but the {first_name} is for "
                f"{key.performance_year}/{key.entity_type}/TIN ...{key.taxpayer_identification_number[-4:]}/"
                f"{key.leaf()} (inputs are joined on the entity key)"
            )
    return key


def score(
    submission: Submission | None,
    profile: Profile | None,
    cms_data: CmsData | None,
    ref: ReferenceData,
    rules: YearRules | None = None,
) -> ScoreResult:
    """Score one entity: every reporting option separately, the highest reported (contract 2)."""
    key = entity_key(submission, profile, cms_data)
    rules = rules or rules_for(key.performance_year)
    evaluation = evaluate_entity(key, profile, rules)
    status = input_status(profile, cms_data)
    scored: list[ScoreResult] = []
    for option in reporting_options(submission):
        ctx = build_context(key, option, submission, evaluation, profile)
        results = {c: score_category(c, submission, cms_data, ctx, ref, rules) for c in CATEGORIES}
        decision = reweight(ctx, results, evaluation, profile, rules)
        scored.append(
            finalize_option(key, ctx, results, decision, evaluation, profile, cms_data, ref, rules, status)
        )
    return choose(scored)
