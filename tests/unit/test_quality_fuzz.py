"""Robustness (issue 3 "never an exception", COMMON.md "bad input never raises"): random schema-valid input.

Hypothesis builds MeasurementSets through the public pydantic models (so every input is schema-valid: the
same shapes the validator accepts) with real and made-up measure ids, every submission method, every value
shape (single rate, strata, non-proportion incl. NaN/inf numerators, CAHPS scores, PI proportions,
booleans), every reporting option and random CMS-calculated data; ``score_quality`` and ``score_cost`` must
return a result in range and never raise.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mips.categories.cost import score_cost
from mips.categories.quality import score_quality
from mips.models.cms_data import CmsData
from mips.models.submission import MeasurementSet
from mips.reference import load_reference
from mips.rules import rules_for
from mips.scoring import ScoringContext

REF = load_reference(2024)
RULES = rules_for(2024)
QUALITY_IDS = sorted(m.measure_id for m in REF.measures_in("quality"))
COST_IDS = sorted(m.measure_id for m in REF.measures_in("cost"))
MVP_IDS = sorted({k for k in ("G0053", "G0055", "G0057", "G0058", "M0001", "M1366")})
METHODS = (
    "electronicHealthRecord",
    "registry",
    "claims",
    "certifiedSurveyVendor",
    "cmsWebInterface",
    "administrativeClaims",
    "madeUp",
)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

counts = st.integers(0, 60)
odd_floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=-10, max_value=200)
)
measure_ids = st.one_of(
    st.sampled_from(QUALITY_IDS),
    st.sampled_from(("001", "236", "134", "130", "226", "238", "321", "479", "484", "001SSP", "110")),
    st.sampled_from(("CAHPS_1", "CAHPS_2", "CAHPS_7", "CAHPS_11", "IA_EPA_1", "PI_EP_1", "TPCC_1")),
    st.text(min_size=1, max_size=6),
)


@st.composite
def single_rate(draw: st.DrawFn, stratum: str | None = None) -> dict:
    v: dict = {
        "performanceMet": draw(counts),
        "performanceNotMet": draw(st.one_of(st.none(), counts)),
        "eligiblePopulation": draw(counts),
        "eligiblePopulationExclusion": draw(st.one_of(st.none(), counts)),
        "eligiblePopulationException": draw(st.one_of(st.none(), counts)),
    }
    if draw(st.booleans()):
        v["performanceRate"] = draw(st.floats(0, 100))
    if stratum is not None:
        v["stratum"] = stratum
    return v


stratum_names = st.one_of(
    st.sampled_from(("overall", "combinedPopulations", "performance", "reporting", "hip", "knee", "84Days")),
    st.text(max_size=4),
)
values = st.one_of(
    single_rate(),
    stratum_names.flatmap(lambda n: st.lists(single_rate(n), min_size=1, max_size=4)).map(
        lambda strata: {"strata": strata}
    ),
    st.lists(stratum_names.flatmap(single_rate), min_size=1, max_size=5).map(lambda s: {"strata": s}),
    st.fixed_dictionaries(
        {
            "numerator": odd_floats,
            "denominator": counts,
            "observationInstances": counts,
            "numeratorExclusion": counts,
            "denominatorException": counts,
        }
    ),
    st.fixed_dictionaries({"numerator": counts, "denominator": counts}),
    st.fixed_dictionaries({"performanceRate": st.floats(0, 100)}),
    st.booleans(),
)
measurement_sets = st.lists(
    st.fixed_dictionaries(
        {
            "category": st.sampled_from(("quality", "quality", "quality", "ia", "pi")),
            "submissionMethod": st.sampled_from(METHODS),
            "measurements": st.lists(
                st.fixed_dictionaries({"measureId": measure_ids, "value": values}), max_size=9
            ),
        }
    ),
    max_size=3,
)
calculated = st.lists(
    st.fixed_dictionaries(
        {
            "measureId": st.one_of(
                st.sampled_from(("479", "480", "484", "492", "001")),
                st.sampled_from(COST_IDS),
                st.text(max_size=4),
            ),
            "attributedCases": st.integers(0, 400),
            "value": odd_floats,
        }
    ),
    max_size=6,
)
contexts = st.builds(
    ScoringContext,
    entity_type=st.sampled_from(("individual", "group", "virtualGroup", "subgroup", "apmEntity")),
    reporting_option=st.sampled_from(("traditional", "mvp", "app")),
    mvp_id=st.one_of(st.none(), st.sampled_from(MVP_IDS), st.just("NOPE")),
    small_practice=st.booleans(),
    clinician_count=st.one_of(st.none(), st.integers(0, 40)),
    prior_year_quality_achievement_percent=st.one_of(st.none(), st.floats(0, 100)),
)


@FUZZ
@given(raw_sets=measurement_sets, admin=st.one_of(st.none(), calculated), cost=calculated, ctx=contexts)
def test_given_random_schema_valid_input_when_scored_then_no_exception_and_score_in_range(
    raw_sets: list[dict], admin: list[dict] | None, cost: list[dict], ctx: ScoringContext
) -> None:
    """Spec 4.10 / issue 3: any schema-valid input yields a quality score in [0, 100] (or a reason it is not
    scored) and finite measure points in [0, 10]; cost (spec 7.3) likewise; never an exception."""
    sets = [MeasurementSet.model_validate(s) for s in raw_sets]
    data = (
        None
        if admin is None
        else CmsData.model_validate(
            {
                "performanceYear": 2024,
                "entityType": ctx.entity_type,
                "taxpayerIdentificationNumber": "000000001",
                "adminClaimsMeasures": admin,
                "costMeasures": cost,
            }
        )
    )
    result = score_quality(sets, data, ctx, REF, RULES)
    if result.score is None:
        assert result.not_scored_reason
    else:
        assert math.isfinite(result.score) and 0.0 <= result.score <= 100.0
    for part in result.explanation.parts[:2]:  # measures and admin-claims nodes
        for node in part.parts:
            if isinstance(node.value, float):
                assert math.isfinite(node.value) and 0.0 <= node.value <= 10.0, node.detail
            if node.metadata.get("status") == "scored":  # scored only on a real rate
                rate = node.metadata.get("performanceRate")
                assert rate is None or math.isfinite(rate), node.detail
    cost_result = score_cost(data, ctx, REF, RULES)
    if cost_result.score is not None:
        assert math.isfinite(cost_result.score) and 0.0 <= cost_result.score <= 100.0
