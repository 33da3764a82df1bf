"""QRDA III converter rules on small hand-built documents (CONVERSION-NOTES sections cited per test)."""

from __future__ import annotations

import pytest
from mips.qrda3 import YEAR_RULES, ProblemCode, convert, to_problems

from tests.unit import qrda3_builders as b

M001 = "2c928084-83d3-1b44-0183-eb75dc8a03db"  # 2024 measure 001 (CMS122v12)
M001_POPS = {
    "IPOP": "F09F8D18-F787-46EA-8791-3D3EF50A4C72",
    "DENOM": "66505C6C-AAB0-4232-B0CA-15FB438090F4",
    "NUMER": "95BCB9D4-86A8-43C1-BE29-7440A2ECE294",
    "DENEX": "6AD9B271-BBB4-4BB6-95B1-D1A7E50D812F",
}
M370 = "2c928082-86db-6718-0187-0ad80afa0a7e"  # 2024 measure 370 (CMS159v12), strata adolescents/adults
M370_POPS = {
    "IPOP": "E4E92400-0CE1-403C-818D-EF5C25A952AA",
    "DENOM": "4B7B1714-FE42-40EB-A652-7C077636A8BF",
    "NUMER": "8A5DE292-E5E6-45CE-99C6-22E6F8E688E4",
    "DENEX": "4539BAD0-93C8-4606-B167-91086446F8D8",
}


def m001(ipop=100, denom=90, numer=60, denex=10) -> str:
    counts = {"IPOP": ipop, "DENOM": denom, "NUMER": numer, "DENEX": denex}
    return b.measure(M001, *(b.population(code, uuid, counts[code]) for code, uuid in M001_POPS.items()))


def codes(conversion) -> list[ProblemCode]:
    return [p.code for p in conversion.errors]


# -- the code enum and the year table -----------------------------------------------------------------
def test_problem_codes_are_unique_and_cms_codes_are_real_cms_numbers():
    members = list(ProblemCode.__members__.values())
    assert len({m.code for m in members}) == len(members) == len(ProblemCode)
    assert all(m.code.startswith("QRDA3_") for m in members)
    cms_catalogue = {
        2,
        5,
        6,
        8,
        9,
        11,
        12,
        13,
        14,
        16,
        17,
        18,
        22,
        23,
        24,
        25,
        26,
        27,
        29,
        30,
        31,
        32,
        33,
        39,
        41,
    }
    cms_catalogue |= {42, 43, 44, 45, 50, 51, 52, 53, 59, 61, 69, 70, 71, 78, 81, 82, 95, 102}
    assert {m.cms_code for m in members if m.cms_code is not None} <= cms_catalogue


def test_year_rules_have_one_row_per_year_and_distinct_extensions():
    assert len({r.year for r in YEAR_RULES}) == len({r.clinical_document_extension for r in YEAR_RULES}) == 2
    r24, r25 = sorted(YEAR_RULES, key=lambda r: r.year)
    assert "APP_PLUS_GROUP" not in r24.programs and r25.programs["APP_PLUS_GROUP"].program_name == "appPlus"


# -- quality encoding (section 5) --------------------------------------------------------------------
def test_given_a_single_rate_measure_then_populations_map_and_not_met_is_derived():
    conversion = convert(b.document(b.quality_section(m001())))

    assert conversion.errors == []
    value = conversion.submission["measurementSets"][0]["measurements"][0]["value"]
    # performanceNotMet = DENOM - NUMER - DENEX - DENEXCEP = 90 - 60 - 10 - 0
    assert value == {
        "isEndToEndReported": True,
        "performanceMet": 60,
        "eligiblePopulation": 90,
        "eligiblePopulationExclusion": 10,
        "performanceNotMet": 20,
    }


def test_given_measure_370_then_the_stratum_without_uuids_gets_zeros():
    """Section 5 shape 4 (read from CMS code, no CMS fixture): adolescents carries the file's
    populations, adults an all-zero entry including eligiblePopulationExclusion because DENEX exists."""
    pops = {"IPOP": 50, "DENOM": 40, "NUMER": 10, "DENEX": 5}
    doc = b.document(
        b.quality_section(b.measure(M370, *(b.population(c, u, pops[c]) for c, u in M370_POPS.items())))
    )

    conversion = convert(doc)

    assert conversion.errors == []
    strata = conversion.submission["measurementSets"][0]["measurements"][0]["value"]["strata"]
    assert strata == [
        {
            "performanceMet": 10,
            "eligiblePopulation": 40,
            "eligiblePopulationExclusion": 5,
            "performanceNotMet": 25,
            "stratum": "adolescents",
        },
        {
            "performanceMet": 0,
            "eligiblePopulation": 0,
            "eligiblePopulationExclusion": 0,
            "performanceNotMet": 0,
            "stratum": "adults",
        },
    ]


def test_given_denominator_above_initial_population_then_error_13():
    conversion = convert(b.document(b.quality_section(m001(ipop=80, denom=90))))

    assert codes(conversion) == [ProblemCode.DENOMINATOR_COUNT_INVALID]
    assert conversion.errors[0].xpath.endswith("/organizer[1]/component[2]/observation[1]")


def test_given_a_missing_population_uuid_for_mips_then_59_names_the_uuid():
    bad = b.measure(
        M001,
        b.population("IPOP", M001_POPS["IPOP"], 100),
        b.population("DENOM", M001_POPS["DENOM"], 90),
        b.population("NUMER", "00000000-0000-0000-0000-000000000000", 60),
        b.population("DENEX", M001_POPS["DENEX"], 10),
    )

    conversion = convert(b.document(b.quality_section(bad)))

    assert codes(conversion) == [ProblemCode.POPULATION_UUID_INCORRECT]
    assert M001_POPS["NUMER"].lower() in conversion.errors[0].message


# -- header: programs, entities, MVP (section 3) -------------------------------------------------------
@pytest.mark.parametrize(
    ("program", "org_ids", "expected"),
    [
        ("MIPS_GROUP", "", {"entityType": "group", "taxpayerIdentificationNumber": "000777777"}),
        (
            "MIPS_VIRTUALGROUP",
            '<id root="2.16.840.1.113883.3.249.5.2" extension="VG-000001"/>',
            {
                "entityType": "virtualGroup",
                "taxpayerIdentificationNumber": "000777777",
                "entityId": "VG-000001",
            },
        ),
        (
            "MIPS_APMENTITY",
            '<id root="2.16.840.1.113883.3.249.5.4" extension="A1234"/>',
            {"entityType": "apm", "entityId": "A1234"},
        ),
    ],
)
def test_given_a_program_then_entity_and_identifiers_follow_the_table(program, org_ids, expected):
    conversion = convert(b.document(b.ia_section(b.ia("IA_EPA_1")), program=program, org_ids=org_ids))

    top = {k: v for k, v in conversion.submission.items() if k not in ("measurementSets", "performanceYear")}
    assert top == expected


def test_given_a_virtual_group_without_its_id_then_78():
    conversion = convert(b.document(b.ia_section(b.ia("IA_EPA_1")), program="MIPS_VIRTUALGROUP"))

    assert codes(conversion) == [ProblemCode.VIRTUAL_GROUP_ID_REQUIRED]


def test_given_app_plus_in_2024_then_25_but_in_2025_app_plus():
    """APP Plus exists from PY2025 only (section 3)."""
    in_2024 = convert(b.document(b.ia_section(b.ia("IA_EPA_1")), program="APP_PLUS_INDIV"))
    in_2025 = convert(
        b.document(
            b.ia_section(b.ia("IA_EPA_1"), period=b.rpa("20250101", "20251231")),
            program="APP_PLUS_INDIV",
            year=2025,
        )
    )

    assert codes(in_2024) == [ProblemCode.INCORRECT_PROGRAM_NAME]
    assert in_2025.submission["measurementSets"][0]["programName"] == "appPlus"


def test_given_an_mvp_id_then_every_section_carries_it_and_app_ignores_it():
    mvp = '<id root="2.16.840.1.113883.3.249.5.6" extension="G0053"/>'
    doc = b.document(b.pi_section(b.pi_bool("PI_EP_2")), b.ia_section(b.ia("IA_EPA_1")), participant_ids=mvp)
    app = b.document(b.ia_section(b.ia("IA_EPA_1")), participant_ids=mvp, program="MIPS_APP1_INDIV")

    assert [s["programName"] for s in convert(doc).submission["measurementSets"]] == ["G0053", "G0053"]
    assert convert(app).submission["measurementSets"][0]["programName"] == "app1"


# -- PI (section 6) and IA (section 7) -------------------------------------------------------------------
def test_given_pi_exclusions_then_they_are_boolean_measures_true_when_claimed():
    section = b.pi_section(b.pi_bool("PI_LVPP_1"), b.pi_bool("PI_EP_2_EX_1", "N"), b.pi_nd("PI_PEA_1", 5, 10))

    conversion = convert(b.document(section))

    assert conversion.submission["measurementSets"][0]["measurements"] == [
        {"measureId": "PI_LVPP_1", "value": True},
        {"measureId": "PI_EP_2_EX_1", "value": False},
        {"measureId": "PI_PEA_1", "value": {"numerator": 5, "denominator": 10}},
    ]
    assert conversion.submission["measurementSets"][0]["cehrtId"] == "0015C0000000001"


def test_given_pi_hie_5_with_a_boolean_hie_option_then_102():
    """Decision (README): CMS looks only at numerator/denominator measures for rule 102; we look at all PI
    measures, because PI_HIE_5 with the PI_LVOTC_1 exclusion is the same contradiction."""
    conversion = convert(b.document(b.pi_section(b.pi_bool("PI_HIE_5"), b.pi_bool("PI_LVOTC_1"))))

    assert codes(conversion) == [ProblemCode.PI_RESTRICTED_MEASURES]


def test_given_two_ia_sections_then_27_and_every_problem_at_once():
    doc = b.document(
        b.ia_section(b.ia("IA_EPA_1", "maybe")),
        b.ia_section(b.ia("IA_EPA_2"), period=b.rpa("2024-13-01", "20241231")),
    )

    conversion = convert(doc)

    assert sorted(p.code.cms_code for p in conversion.errors) == [27, 51, 69]


def test_given_periods_then_each_section_has_its_own_and_dates_are_truncated_to_8_digits():
    doc = b.document(
        b.ia_section(b.ia("IA_EPA_1"), period=b.rpa("20240301120000+0500", "2024-06-30T23:59:59")),
        b.pi_section(b.pi_bool("PI_EP_2"), period=b.rpa("2024/01/01", "20241231")),
    )

    sets = convert(doc).submission["measurementSets"]

    assert [(s["performanceStart"], s["performanceEnd"]) for s in sets] == [
        ("2024-03-01", "2024-06-30"),
        ("2024-01-01", "2024-12-31"),
    ]


def test_problems_become_project_problems_with_the_xpath_as_path():
    conversion = convert(b.document(b.ia_section(b.ia("IA_EPA_1", "X"))), filename="x.xml")

    (problem,) = to_problems(conversion)
    assert problem.file == "x.xml" and problem.path == conversion.errors[0].xpath
    assert (
        problem.message.startswith("[QRDA3_MEASURE_PERFORMED_NOT_Y_OR_N, CMS 51]")
        and "expected" in problem.message
    )


# -- hardening --------------------------------------------------------------------------------------
def test_given_truncated_xml_then_truncated_not_a_crash():
    data = b.document(b.quality_section(m001()))

    conversion = convert(data[: len(data) // 2])

    assert codes(conversion) == [ProblemCode.TRUNCATED_XML] and conversion.submission is None
    assert "truncated" in conversion.errors[0].message


def test_given_the_wrong_namespace_then_wrong_namespace():
    data = b.document(b.ia_section(b.ia("IA_EPA_1"))).replace(
        b'xmlns="urn:hl7-org:v3"', b'xmlns="urn:hl7-org:v2"'
    )

    assert codes(convert(data)) == [ProblemCode.WRONG_NAMESPACE]
    assert codes(convert(data.replace(b' xmlns="urn:hl7-org:v2"', b""))) == [ProblemCode.WRONG_NAMESPACE]


def test_given_a_qrda_category_i_file_then_qrda_category_i():
    qrda1 = (
        b'<ClinicalDocument xmlns="urn:hl7-org:v3"><templateId root="2.16.840.1.113883.10.20.24.1.1"/>'
        b'<templateId root="2.16.840.1.113883.10.20.24.1.2" extension="2019-12-01"/>'
        b"<recordTarget/></ClinicalDocument>"
    )

    conversion = convert(qrda1)

    assert codes(conversion) == [ProblemCode.QRDA_CATEGORY_I]
    assert "patient" in conversion.errors[0].message


def test_given_an_unknown_ig_edition_then_unsupported_with_the_known_editions():
    conversion = convert(b.document(b.ia_section(b.ia("IA_EPA_1")), extension="2019-12-01"))

    assert codes(conversion) == [ProblemCode.UNSUPPORTED_IG_VERSION]
    assert "2022-12-01" in conversion.errors[0].expected and "2024-12-01" in conversion.errors[0].expected


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>'
        b'<ClinicalDocument xmlns="urn:hl7-org:v3">&lol3;</ClinicalDocument>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<ClinicalDocument xmlns="urn:hl7-org:v3">&x;</ClinicalDocument>',
        b'<?xml version="1.0"?><!DOCTYPE ClinicalDocument SYSTEM "http://example.invalid/qrda.dtd">'
        b'<ClinicalDocument xmlns="urn:hl7-org:v3"/>',
    ],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_given_entities_or_a_dtd_then_refused_before_expansion(data):
    conversion = convert(data)

    assert codes(conversion) == [ProblemCode.UNSAFE_XML]
    assert "lol" not in conversion.errors[0].message


def test_given_not_xml_then_not_xml():
    assert codes(convert(b"this is not xml at all")) == [ProblemCode.NOT_XML]
    assert codes(convert(b"")) == [ProblemCode.NOT_XML]


def test_given_measures_data_that_cannot_be_resolved_then_a_problem_not_an_exception(monkeypatch):
    """In the ingest Lambda an exception would retry the file into the dead-letter queue; a missing
    measures-data is a clear rejection instead."""
    import importlib

    from mips.reference import ReferenceDataError

    convert_module = importlib.import_module("mips.qrda3.convert")  # the module, not the function

    def unavailable(year: int):
        raise ReferenceDataError(f"no pinned reference data for performance year {year}")

    monkeypatch.setattr(convert_module, "catalogue_for", unavailable)

    conversion = convert(b.document(b.quality_section(m001()), b.quality_section(m001())))

    assert codes(conversion) == [ProblemCode.MEASURES_DATA_UNAVAILABLE, ProblemCode.DUPLICATE_QUALITY_SECTION]


def test_given_an_unknown_program_then_only_25_no_measure_checks():
    """CMS (perfRateDenomZero, program PCF): the program name error alone, no eCQM validation."""
    bad_uuids = b.measure(M001, b.population("DENOM", "00000000-0000-0000-0000-000000000000", 5))

    conversion = convert(b.document(b.quality_section(bad_uuids), program="PCF"))

    assert codes(conversion) == [ProblemCode.INCORRECT_PROGRAM_NAME]
    assert "MIPS_INDIV" in conversion.errors[0].expected


def test_given_an_activity_without_id_then_a_problem_not_a_silently_missing_activity():
    activity = b.ia("IA_EPA_1").replace('extension="IA_EPA_1"', "")

    conversion = convert(b.document(b.ia_section(activity, b.ia("IA_EPA_2"))))

    assert codes(conversion) == [ProblemCode.IA_MISSING_MEASURE_ID]


def test_given_an_absurdly_nested_entry_then_no_recursion_error():
    nested = "<entry>" + "<organizer>" * 5000 + "</organizer>" * 5000 + "</entry>"

    conversion = convert(b.document(b.pi_section(nested, b.pi_bool("PI_EP_2"))))

    assert conversion.errors == []
    assert conversion.submission["measurementSets"][0]["measurements"] == [
        {"measureId": "PI_EP_2", "value": True}
    ]


def test_given_pi_measures_without_children_or_with_two_ids_then_17_and_12():
    empty = b.pi_nd("PI_PEA_1", 1, 2).split("<component>")[0] + "</organizer></entry>"
    two_ids = b.pi_bool("PI_EP_2").replace(
        "</externalDocument>", '<id root="x" extension="PI_EP_1"/></externalDocument>'
    )

    conversion = convert(b.document(b.pi_section(empty, two_ids)))

    assert [p.code.cms_code for p in conversion.errors] == [17, 12]
