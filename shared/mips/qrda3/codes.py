"""Stable problem codes of the QRDA III converter, each mapped to CMS's ``ProblemCode`` where one exists.

CMS's converter (CMSgov/qpp-conversion-tool, ``commons/.../model/error/ProblemCode.java``) numbers its
errors; our codes are names (stable across releases) and carry CMS's number as ``cms_code`` so a rejection
can be compared with what CMS would say. Codes without a CMS counterpart (``cms_code is None``) are checks
CMS does not make (for example, unsafe XML, which CMS's parser treats as ordinary XML).
"""

from __future__ import annotations

from enum import Enum


class ProblemCode(Enum):
    """``value`` is the stable string code; ``cms_code`` the number CMS's converter emits (or None)."""

    # -- the file itself ----------------------------------------------------------------------------
    NOT_XML = ("QRDA3_NOT_XML", 2)
    TRUNCATED_XML = ("QRDA3_TRUNCATED_XML", 2)
    MALFORMED_XML = ("QRDA3_MALFORMED_XML", 2)
    UNSAFE_XML = ("QRDA3_UNSAFE_XML", None)
    WRONG_NAMESPACE = ("QRDA3_WRONG_NAMESPACE", 5)
    NOT_QRDA_III = ("QRDA3_NOT_QRDA_III", 5)
    QRDA_CATEGORY_I = ("QRDA3_QRDA_CATEGORY_I", 5)
    UNSUPPORTED_IG_VERSION = ("QRDA3_UNSUPPORTED_IG_VERSION", 5)
    TOO_MANY_PROBLEMS = ("QRDA3_TOO_MANY_PROBLEMS", 82)
    MEASURES_DATA_UNAVAILABLE = ("QRDA3_MEASURES_DATA_UNAVAILABLE", None)
    # -- header / clinical document -------------------------------------------------------------------
    MISSING_PROGRAM_NAME = ("QRDA3_MISSING_PROGRAM_NAME", 24)
    INCORRECT_PROGRAM_NAME = ("QRDA3_INCORRECT_PROGRAM_NAME", 25)
    VIRTUAL_GROUP_ID_REQUIRED = ("QRDA3_VIRTUAL_GROUP_ID_REQUIRED", 78)
    NO_SECTION = ("QRDA3_NO_SECTION", 23)
    DUPLICATE_PI_SECTION = ("QRDA3_DUPLICATE_PI_SECTION", 26)
    DUPLICATE_IA_SECTION = ("QRDA3_DUPLICATE_IA_SECTION", 27)
    #: CMS reports a duplicate measure section with 27 (the IA code), a slip in ClinicalDocumentValidator
    DUPLICATE_QUALITY_SECTION = ("QRDA3_DUPLICATE_QUALITY_SECTION", 27)
    MISSING_PERFORMANCE_YEAR = ("QRDA3_MISSING_PERFORMANCE_YEAR", 31)
    # -- reporting parameters act (performance period) ------------------------------------------------
    PERFORMANCE_START_NOT_SINGLE = ("QRDA3_PERFORMANCE_START_NOT_SINGLE", 29)
    PERFORMANCE_END_NOT_SINGLE = ("QRDA3_PERFORMANCE_END_NOT_SINGLE", 30)
    INVALID_PERFORMANCE_PERIOD_FORMAT = ("QRDA3_INVALID_PERFORMANCE_PERIOD_FORMAT", 69)
    QUALITY_SECTION_REPORTING_PARAMETERS = ("QRDA3_QUALITY_SECTION_REPORTING_PARAMETERS", 32)
    PI_SECTION_REPORTING_PARAMETERS = ("QRDA3_PI_SECTION_REPORTING_PARAMETERS", 22)
    IA_SECTION_REPORTING_PARAMETERS = ("QRDA3_IA_SECTION_REPORTING_PARAMETERS", 44)
    # -- quality (eCQM) -------------------------------------------------------------------------------
    MEASURE_SECTION_REQUIRES_CATEGORY_SECTION = ("QRDA3_MEASURE_SECTION_REQUIRES_CATEGORY_SECTION", 95)
    MEASURE_SECTION_MISSING_MEASURE = ("QRDA3_MEASURE_SECTION_MISSING_MEASURE", 81)
    MEASURE_GUID_UNKNOWN = ("QRDA3_MEASURE_GUID_UNKNOWN", 6)
    MEASURE_GUID_MISSING = ("QRDA3_MEASURE_GUID_MISSING", 70)
    MEASURE_GUID_DUPLICATED = ("QRDA3_MEASURE_GUID_DUPLICATED", 71)
    AGGREGATE_COUNT_NOT_SINGULAR = ("QRDA3_AGGREGATE_COUNT_NOT_SINGULAR", 8)
    AGGREGATE_COUNT_NOT_INTEGER = ("QRDA3_AGGREGATE_COUNT_NOT_INTEGER", 9)
    MEASURE_DATA_MISSING_AGGREGATE_COUNT = ("QRDA3_MEASURE_DATA_MISSING_AGGREGATE_COUNT", 52)
    MEASURE_DATA_VALUE_NEGATIVE = ("QRDA3_MEASURE_DATA_VALUE_NEGATIVE", 53)
    DENOMINATOR_COUNT_INVALID = ("QRDA3_DENOMINATOR_COUNT_INVALID", 13)
    POPULATION_COUNT_INCORRECT = ("QRDA3_POPULATION_COUNT_INCORRECT", 14)
    POPULATION_UUID_INCORRECT = ("QRDA3_POPULATION_UUID_INCORRECT", 59)
    PERFORMANCE_RATE_INVALID_VALUE = ("QRDA3_PERFORMANCE_RATE_INVALID_VALUE", 33)
    PERFORMANCE_RATE_MISSING_NUMERATOR_UUID = ("QRDA3_PERFORMANCE_RATE_MISSING_NUMERATOR_UUID", 61)
    # -- promoting interoperability ---------------------------------------------------------------------
    PI_MEASURE_PERFORMED_NOT_SINGLE = ("QRDA3_PI_MEASURE_PERFORMED_NOT_SINGLE", 11)
    PI_MISSING_MEASURE_ID = ("QRDA3_PI_MISSING_MEASURE_ID", 16)
    PI_NUMERATOR_DENOMINATOR_NOT_SINGLE = ("QRDA3_PI_NUMERATOR_DENOMINATOR_NOT_SINGLE", 18)
    PI_AGGREGATE_COUNT_NOT_SINGLE = ("QRDA3_PI_AGGREGATE_COUNT_NOT_SINGLE", 39)
    PI_COUNT_NOT_INTEGER = ("QRDA3_PI_COUNT_NOT_INTEGER", 41)
    PI_COUNT_INVALID = ("QRDA3_PI_COUNT_INVALID", 42)
    PI_RESTRICTED_MEASURES = ("QRDA3_PI_RESTRICTED_MEASURES", 102)
    # -- improvement activities -------------------------------------------------------------------------
    IA_SECTION_MISSING_MEASURE = ("QRDA3_IA_SECTION_MISSING_MEASURE", 43)
    IA_SECTION_WRONG_CHILD = ("QRDA3_IA_SECTION_WRONG_CHILD", 45)
    IA_MISSING_MEASURE_ID = ("QRDA3_IA_MISSING_MEASURE_ID", None)
    IA_MEASURE_PERFORMED_NOT_SINGLE = ("QRDA3_IA_MEASURE_PERFORMED_NOT_SINGLE", 50)
    MEASURE_PERFORMED_NOT_Y_OR_N = ("QRDA3_MEASURE_PERFORMED_NOT_Y_OR_N", 51)

    def __init__(self, code: str, cms_code: int | None) -> None:
        self.code = code
        self.cms_code = cms_code

    def __str__(self) -> str:
        return self.code
