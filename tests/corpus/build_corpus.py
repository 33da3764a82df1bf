"""Write the bad-input corpus (``tests/corpus/bad/<case>/``) from the shipped example 01.

Run ``python tests/corpus/build_corpus.py`` after changing a case; the generated files are committed so
the corpus is plain data. Each case folder holds one input file and ``case.json``:

``as``        the kind the file is given as: its intake prefix and its ``mips score`` flag
``outcome``   ``rejected`` (a rejection report), ``result`` (scored, with a warning) or ``orphan``
``code``      the ProblemCode expected (rejected, result)
``message``   a substring of the expected message
``score``     optional: a different substring expected on ``mips score``'s stderr
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
EXAMPLE = HERE.parents[1] / "shared" / "mips" / "examples" / "01-individual-clinician"
BASE = {
    k: json.loads((EXAMPLE / f).read_text())
    for k, f in (("submission", "submission.json"), ("profile", "profile.json"), ("cmsData", "cms-data.json"))
}
QRDA3 = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">'
    b'<templateId root="2.16.840.1.113883.10.20.27.1.1" extension="2017-06-01"/>'
    b'<templateId root="2.16.840.1.113883.10.20.27.1.2" extension="2019-05-01"/></ClinicalDocument>'
)
QRDA1 = (
    b'<ClinicalDocument xmlns="urn:hl7-org:v3"><templateId root="2.16.840.1.113883.10.20.24.1.1"/>'
    b"<recordTarget/></ClinicalDocument>"
)
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b"<z>&b;</z>"
)


def base(kind: str = "submission", tin: str | None = None) -> dict[str, Any]:
    doc = copy.deepcopy(BASE[kind])
    if tin is not None:
        doc["taxpayerIdentificationNumber"] = tin
    return doc


def dumps(doc: Any) -> bytes:
    return json.dumps(doc, indent=1, ensure_ascii=True).encode()


def sub_with(**changes: Any) -> bytes:
    doc = base()
    doc.update(changes)
    return dumps(doc)


def set0(mutate: Any) -> bytes:
    doc = base()
    mutate(doc["measurementSets"][0], doc)
    return dumps(doc)


def raw_replace(kind: str, old: str, new: str) -> bytes:
    text = dumps(base(kind)).decode()
    assert old in text, old
    return text.replace(old, new, 1).encode()


def zipped() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("submission.json", dumps(base()))
    return buf.getvalue()


def _m(ms: dict[str, Any], i: int) -> dict[str, Any]:
    return ms["measurements"][i]


def _many_sets(doc: dict[str, Any]) -> dict[str, Any]:
    template = copy.deepcopy(doc["measurementSets"][0])
    template["measurements"] = template["measurements"][:1]
    doc["measurementSets"] = []
    for i in range(60):
        ms = copy.deepcopy(template)
        ms["cehrtId"] = f"0015E8FAKE{i:05d}"
        doc["measurementSets"].append(ms)
    return doc


def _many_in_file(doc: dict[str, Any]) -> dict[str, Any]:
    m = doc["measurementSets"][0]["measurements"][0]
    template = copy.deepcopy(doc["measurementSets"][0])
    template["measurements"] = [copy.deepcopy(m) for _ in range(210)]
    doc["measurementSets"] = []
    for i in range(5):
        ms = copy.deepcopy(template)
        ms["cehrtId"] = f"0015E8FAKE{i:05d}"
        doc["measurementSets"].append(ms)
    return doc


def _many_measurements(doc: dict[str, Any]) -> dict[str, Any]:
    m = doc["measurementSets"][0]["measurements"][0]
    doc["measurementSets"][0]["measurements"] = [copy.deepcopy(m) for _ in range(450)]
    return doc


CASES: dict[str, tuple[str, str, bytes, dict[str, Any]]] = {}


def case(name: str, as_kind: str, data: bytes, outcome: str = "rejected", ext: str = "json", **expect: Any):
    CASES[name] = (as_kind, ext, data, {"as": as_kind, "outcome": outcome, **expect})


def build() -> None:
    s, p, c = "submission", "profile", "cmsData"
    # -- not JSON at all ---------------------------------------------------------------------------------
    case("empty", s, b"", code="EMPTY_FILE", message="the file is empty (0 bytes)")
    case("blank", s, b" \n\t\r\n", code="EMPTY_FILE", message="blank (whitespace only)")
    case(
        "gzip",
        s,
        gzip.compress(dumps(base()), mtime=0),
        ext="json.gz",
        code="COMPRESSED_FILE",
        message="gzip",
    )
    case("zip", s, zipped(), ext="zip", code="COMPRESSED_FILE", message="a ZIP archive")
    case("pdf", s, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", ext="pdf", code="BINARY_FILE", message="a PDF document")
    case("png", s, b"\x89PNG\r\n\x1a\n\x00\x00", ext="png", code="BINARY_FILE", message="a PNG image")
    case("utf16", s, dumps(base()).decode().encode("utf-16"), code="NOT_UTF8", message="UTF-16")
    case(
        "latin1",
        s,
        dumps(base()).replace(b'"mips"', b'"mips\xe9"', 1),
        code="NOT_UTF8",
        message="not UTF-8 text",
    )
    case(
        "csv",
        s,
        b"measureId,performanceMet,eligiblePopulation\n001,45,320\n",
        ext="csv",
        code="CSV_FILE",
        message="looks like CSV",
    )
    case("truncated-json", s, dumps(base())[:200], code="NOT_JSON", message="not valid JSON")
    case(
        "trailing-comma",
        s,
        b'{"performanceYear": 2024, "measurementSets": [],}',
        code="NOT_JSON",
        message="line 1 column",
    )
    case(
        "qrda3",
        s,
        QRDA3,
        ext="xml",
        code="QRDA3_UNSUPPORTED_IG_VERSION",
        message="not an Implementation Guide edition this converter knows",
    )
    case("qrda1", s, QRDA1, ext="xml", code="QRDA1_PATIENT_DATA", message="QRDA Category I (patient-level)")
    case(
        "other-xml",
        p,
        b"<?xml version='1.0'?><profile><tin>1</tin></profile>",
        ext="xml",
        code="XML_NOT_QRDA",
        message="XML document <profile> is not accepted",
    )
    case("xml-bomb", s, BOMB, ext="xml", code="XML_UNSAFE", message="refused for safety")
    case(
        "xml-malformed",
        s,
        b"<ClinicalDocument>\n<title></ClinicalDocument>",
        ext="xml",
        code="XML_MALFORMED",
        message="not well-formed XML (line 2",
    )
    case(
        "deep-nesting", s, b"[" * 100_000 + b"]" * 100_000, code="JSON_TOO_DEEP", message="nested too deeply"
    )
    case(
        "deep-in-object",
        s,
        b'{"performanceYear": 2024, "x": ' + b'{"a":' * 70 + b"1" + b"}" * 70 + b"}",
        code="JSON_TOO_DEEP",
        message="JSON nested 65 levels deep",
    )
    case("top-level-array", s, dumps([base()]), code="NOT_AN_OBJECT", message="got a JSON array")
    case("top-level-string", s, b'"submission"', code="NOT_AN_OBJECT", message="got a JSON string")
    # -- not an input ---------------------------------------------------------------------------------------
    result_doc = {"performanceYear": 2024, "finalScore": 80.1, "categories": {}, "status": "final"}
    case("result-document", s, dumps(result_doc), code="RESULT_DOCUMENT", message="a score result document")
    cms_output = {"name": "total", "value": 80, "parts": [{"name": "quality", "value": 30}]}
    case(
        "cms-scoring-output", s, dumps(cms_output), code="CMS_SCORING_OUTPUT", message="scoring-engine OUTPUT"
    )
    err_report = {
        "errors": [{"sourceIdentifier": "x.xml", "details": [{"errorCode": 59, "message": "CT - ..."}]}]
    }
    case("converter-error-report", s, dumps(err_report), code="ERROR_REPORT", message="an error report")
    # -- hostile values ------------------------------------------------------------------------------------
    case(
        "int-5000-digits",
        s,
        raw_replace(s, '"performanceMet": 45', '"performanceMet": ' + "9" * 5000),
        code="NUMBER_TOO_LARGE",
        message="an integer with 5000 digits",
    )
    case(
        "count-10e400",
        s,
        raw_replace(s, '"eligiblePopulation": 320', '"eligiblePopulation": 1' + "0" * 400),
        code="NUMBER_TOO_LARGE",
        message="an integer with 401 digits",
    )
    case(
        "float-1e400",
        s,
        raw_replace(s, '"performanceMet": 45', '"performanceMet": 1e400'),
        code="NUMBER_TOO_LARGE",
        message="the number 1e400",
    )
    case(
        "nan-count",
        s,
        raw_replace(s, '"performanceMet": 45', '"performanceMet": NaN'),
        code="NON_FINITE_NUMBER",
        message="NaN is not a JSON number",
    )
    case(
        "lone-surrogate",
        s,
        raw_replace(s, '"0015E8FAKE00001"', '"0015E8\\ud800"'),
        code="BAD_STRING",
        message="lone UTF-16 surrogate",
    )
    case(
        "nul-in-string",
        s,
        raw_replace(s, '"measureId": "001"', '"measureId": "001\\u0000"'),
        code="BAD_STRING",
        message="NUL character",
    )
    # -- wrong kind ---------------------------------------------------------------------------------------
    case(
        "profile-as-submission",
        s,
        dumps(base(p)),
        code="WRONG_KIND",
        message="this is a profile, expected a submission",
    )
    case(
        "cms-data-as-submission",
        s,
        dumps(base(c)),
        code="WRONG_KIND",
        message="this is a CMS-data file, expected a submission",
    )
    case(
        "cms-data-as-profile",
        p,
        dumps(base(c)),
        code="WRONG_KIND",
        message="this is a CMS-data file, expected a profile",
    )
    case(
        "submission-as-profile",
        p,
        dumps(base(s)),
        code="WRONG_KIND",
        message="this is a submission, expected a profile",
    )
    case(
        "profile-as-cms-data",
        c,
        dumps(base(p)),
        code="WRONG_KIND",
        message="this is a profile, expected a CMS-data file",
    )
    case(
        "submission-as-cms-data",
        c,
        dumps(base(s)),
        code="WRONG_KIND",
        message="this is a submission, expected a CMS-data file",
    )
    # -- years ---------------------------------------------------------------------------------------------
    case(
        "year-2017",
        s,
        sub_with(performanceYear=2017),
        code="UNSUPPORTED_YEAR",
        message="no scoring rules for 2017",
    )
    case(
        "year-2031",
        s,
        sub_with(performanceYear=2031),
        code="UNSUPPORTED_YEAR",
        message="no scoring rules for 2031",
    )
    case(
        "year-placeholder",
        s,
        sub_with(performanceYear="< performanceYearToBeReported >"),
        code="INVALID_VALUE",
        message="placeholder",
    )
    case(
        "profile-year-2017",
        p,
        dumps({**base(p), "performanceYear": 2017}),
        code="UNSUPPORTED_YEAR",
        message="no scoring rules for 2017",
    )
    # -- identifiers ---------------------------------------------------------------------------------------
    case(
        "tin-trailing-newline",
        s,
        sub_with(taxpayerIdentificationNumber="000000001\n"),
        code="INVALID_TIN",
        message="TIN must be exactly 9 digits",
    )
    case(
        "tin-fullwidth",
        s,
        sub_with(taxpayerIdentificationNumber="\uff10" * 8 + "\uff11"),
        code="INVALID_TIN",
        message="ASCII 0-9 only",
    )
    case(
        "tin-arabic-indic",
        s,
        sub_with(taxpayerIdentificationNumber="\u0660" * 8 + "\u0661"),
        code="INVALID_TIN",
        message="ASCII 0-9 only",
    )
    case(
        "tin-dashes",
        s,
        sub_with(taxpayerIdentificationNumber="00-0000001"),
        code="INVALID_TIN",
        message="no dashes",
    )
    case(
        "npi-check-digit",
        s,
        sub_with(nationalProviderIdentifier="1000000005"),
        code="INVALID_NPI",
        message="fails its check digit",
    )
    case(
        "npi-unicode-digits",
        s,
        sub_with(nationalProviderIdentifier="\u0661" + "\u0660" * 8 + "\u0664"),
        code="INVALID_NPI",
        message="ASCII 0-9 only",
    )
    case(
        "npi-missing",
        s,
        sub_with(nationalProviderIdentifier=None),
        code="MISSING_NPI",
        message="needs nationalProviderIdentifier",
    )
    apm = {"entityType": "apmEntity", "nationalProviderIdentifier": None}
    case(
        "entity-id-traversal",
        s,
        sub_with(**apm, entityId="../../group/000000005/group"),
        code="INVALID_ENTITY_ID",
        message="is not a valid APM Entity id",
    )
    case(
        "entity-id-bidi",
        s,
        sub_with(**apm, entityId="A12\u202e34"),
        code="INVALID_ENTITY_ID",
        message="bidirectional",
    )
    case(
        "entity-id-too-long",
        s,
        sub_with(**apm, entityId="A" * 100),
        code="INVALID_ENTITY_ID",
        message="2-20 letters",
    )
    case(
        "entity-id-nul",
        s,
        sub_with(**apm, entityId="A12\u000034"),
        code="BAD_STRING",
        message="NUL character",
    )
    case(
        "entity-id-on-group",
        s,
        sub_with(entityType="group", nationalProviderIdentifier=None, entityId="G1"),
        code="ENTITY_ID_NOT_ALLOWED",
        message="must not carry an entityId",
    )
    case(
        "entity-id-missing",
        s,
        sub_with(entityType="subgroup", nationalProviderIdentifier=None),
        code="MISSING_ENTITY_ID",
        message="needs entityId",
    )
    # -- size and shape ------------------------------------------------------------------------------------
    case(
        "too-many-sets",
        s,
        dumps(_many_sets(base())),
        code="TOO_MANY_SETS",
        message="60 measurement sets: at most 20",
    )
    case(
        "too-many-measurements",
        s,
        dumps(_many_measurements(base())),
        code="TOO_MANY_MEASUREMENTS",
        message="450 measurements in one set",
    )
    case(
        "too-many-in-file",
        s,
        dumps(_many_in_file(base())),
        code="TOO_MANY_MEASUREMENTS",
        message="1050 measurements in the file: at most 1000",
    )
    dup = base()
    dup["measurementSets"].append(copy.deepcopy(dup["measurementSets"][0]))
    case(
        "duplicate-sets", s, dumps(dup), code="DUPLICATE_SET", message="exact duplicate of measurementSets[0]"
    )
    case(
        "no-measurement-sets",
        s,
        sub_with(measurementSets=[]),
        code="NO_MEASUREMENT_SETS",
        message="no measurementSets",
    )
    # -- field names and values ----------------------------------------------------------------------------
    case(
        "measure-id-1",
        s,
        set0(lambda ms, d: _m(ms, 0).update(measureId="1")),
        code="UNKNOWN_MEASURE",
        message="did you mean 001",
    )
    ia = base()
    ia_set = next(ms for ms in ia["measurementSets"] if ms["category"] == "ia")
    ia_set["measurements"][0]["measureId"] = ia_set["measurements"][0]["measureId"].lower()
    case(
        "measure-id-lowercase", s, dumps(ia), code="UNKNOWN_MEASURE", message="measure ids are case-sensitive"
    )
    case(
        "us-date",
        s,
        set0(lambda ms, d: ms.update(performanceStart="01/01/2024")),
        code="INVALID_DATE",
        message="expected YYYY-MM-DD",
    )
    case(
        "typo-performance-met",
        s,
        raw_replace(s, '"performanceMet": 45', '"performanceMett": 45'),
        code="UNKNOWN_FIELD",
        message="did you mean 'performanceMet'",
    )
    case(
        "typo-program-name",
        s,
        raw_replace(s, '"programName"', '"programNme"'),
        code="UNKNOWN_FIELD",
        message="did you mean 'programName'",
    )
    case(
        "counts-do-not-add-up",
        s,
        raw_replace(s, '"eligiblePopulation": 320', '"eligiblePopulation": 30'),
        code="COUNTS_INCONSISTENT",
        message="counts do not add up",
    )
    case(
        "negative-count",
        s,
        raw_replace(s, '"performanceMet": 45', '"performanceMet": -45'),
        code="INVALID_VALUE",
        message="greater than or equal to 0",
    )
    case(
        "cost-category",
        s,
        set0(lambda ms, d: ms.update(category="cost")),
        code="UNKNOWN_CATEGORY",
        message="cost is calculated by CMS",
    )
    case(
        "period-outside-year",
        s,
        set0(lambda ms, d: ms.update(performanceEnd="2025-03-31")),
        code="PERIOD_OUTSIDE_YEAR",
        message="outside the performance year",
    )
    case(
        "duplicate-measure",
        s,
        set0(lambda ms, d: ms["measurements"].append(copy.deepcopy(_m(ms, 0)))),
        code="DUPLICATE_MEASURE",
        message="duplicate measure 001",
    )
    case(
        "profile-duplicate-key",
        p,
        raw_replace(p, '"practiceSize": 25', '"practiceSize": 25, "practiceSize": 5'),
        code="DUPLICATE_KEY",
        message="the field 'practiceSize' appears twice",
    )
    # -- profile ------------------------------------------------------------------------------------------
    case(
        "profile-typo-clinician-type",
        p,
        raw_replace(p, '"clinicianType"', '"clinicanType"'),
        code="UNKNOWN_FIELD",
        message="did you mean 'clinicianType'",
    )
    case(
        "profile-typo-small-practice",
        p,
        raw_replace(p, '"smallPractice"', '"smallPractise"'),
        code="UNKNOWN_FIELD",
        message="did you mean 'smallPractice'",
    )
    case(
        "profile-unknown-field",
        p,
        dumps({**base(p), "notes": "x"}),
        code="UNKNOWN_FIELD",
        message="unknown field 'notes' in the profile",
    )
    case(
        "profile-practice-size-10e400",
        p,
        raw_replace(p, '"practiceSize": 25', '"practiceSize": 1' + "0" * 400),
        code="NUMBER_TOO_LARGE",
        message="401 digits",
    )
    case(
        "profile-enrolled-after-year",
        p,
        dumps({**base(p), "firstMedicareEnrollmentYear": 2030}),
        code="ENROLLMENT_AFTER_YEAR",
        message="is after the performance year",
    )
    case(
        "profile-share-above-1",
        p,
        raw_replace(p, '"hospitalPlaceOfServiceShare": 0.08', '"hospitalPlaceOfServiceShare": 8'),
        code="INVALID_VALUE",
        message="less than or equal to 1",
    )
    # -- CMS data -----------------------------------------------------------------------------------------
    case(
        "cms-nan-bonus",
        c,
        raw_replace(c, '"complexPatientBonus": 2.5', '"complexPatientBonus": NaN'),
        code="NON_FINITE_NUMBER",
        message="NaN is not a JSON number",
    )
    case(
        "cms-infinity-cost",
        c,
        raw_replace(c, '"value": 1510.0', '"value": Infinity'),
        code="NON_FINITE_NUMBER",
        message="Infinity is not a JSON number",
    )
    case(
        "cms-negative-infinity-bonus",
        c,
        raw_replace(c, '"complexPatientBonus": 2.5', '"complexPatientBonus": -Infinity'),
        code="NON_FINITE_NUMBER",
        message="-Infinity is not a JSON number",
    )
    case(
        "cms-cost-1e400",
        c,
        raw_replace(c, '"value": 1510.0', '"value": 1e400'),
        code="NUMBER_TOO_LARGE",
        message="the number 1e400",
    )
    case(
        "cms-unknown-cost-measure",
        c,
        raw_replace(c, '"TPCC_1"', '"TPCC_X"'),
        code="UNKNOWN_MEASURE",
        message="unknown cost measure 'TPCC_X'",
    )
    case(
        "cms-typo-attributed-cases",
        c,
        raw_replace(c, '"attributedCases": 58', '"attributedCase": 58'),
        code="UNKNOWN_FIELD",
        message="did you mean 'attributedCases'",
    )
    case(
        "cms-negative-bonus",
        c,
        raw_replace(c, '"complexPatientBonus": 2.5', '"complexPatientBonus": -1'),
        code="NEGATIVE_VALUE",
        message="is negative",
    )
    many_costs = base(c)
    many_costs["costMeasures"] = [copy.deepcopy(many_costs["costMeasures"][0]) for _ in range(150)]
    case(
        "cms-too-many-cost-measures",
        c,
        dumps(many_costs),
        code="TOO_MANY_ITEMS",
        message="150 entries in costMeasures",
    )
    # -- accepted with a warning (scored: the warning travels in the result document) -----------------
    case(
        "bom",
        s,
        b"\xef\xbb\xbf" + dumps(base(tin="700000001")),
        outcome="result",
        code="BYTE_ORDER_MARK",
        message="byte-order mark",
    )
    unknown = base(tin="700000002")
    unknown["measurementSets"][0]["registryNotes"] = "sent by registry X"
    case(
        "unknown-field-warning",
        s,
        dumps(unknown),
        outcome="result",
        code="UNKNOWN_FIELD",
        message="unknown field 'registryNotes' in a measurement set",
    )
    # -- orphans and mismatches ----------------------------------------------------------------------------
    case(
        "orphan-profile",
        p,
        dumps(base(p, tin="700000003")),
        outcome="orphan",
        score="are for different entities: taxpayerIdentificationNumber '...0003' vs '...0001'",
    )
    case(
        "orphan-cms-data",
        c,
        dumps(base(c, tin="700000004")),
        outcome="orphan",
        score="are for different entities: taxpayerIdentificationNumber '...0004' vs '...0001'",
    )


def main() -> None:
    build()
    if BAD.exists():
        shutil.rmtree(BAD)
    for name, (_, ext, data, meta) in sorted(CASES.items()):
        folder = BAD / name
        folder.mkdir(parents=True)
        (folder / f"input.{ext}").write_bytes(data)
        (folder / "case.json").write_text(json.dumps({"file": f"input.{ext}", **meta}, indent=2) + "\n")
    print(f"{len(CASES)} cases in {BAD}")


if __name__ == "__main__":
    main()
