"""Smoke test: the 2024 reference data loads with typed accessors (issue #2, item 3)."""


def test_given_2024_reference_when_loaded_then_typed_accessors_answer(ref):
    bm = ref.benchmark("001", "electronicHealthRecord")
    assert bm is not None and bm.is_inverse and bm.p(10) == 14.53
    assert ref.ia_weight("IA_EPA_1") == "high"
    assert ref.pi_measure("PI_EP_1").exclusion == ("PI_LVPP_1",)
    assert ref.mvp("G0053").cost_measure_ids == ("TPCC_1",)
    assert ref.version == "qpp-measures-data@100b25f"
