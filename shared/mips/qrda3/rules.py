"""What differs between performance years in CMS's QRDA III conversion: one row per year, no ``if year``.

CMS's converter is year-locked (CONVERSION-NOTES section 1): the QRDA III Report - CMS templateId
(``2.16.840.1.113883.10.20.27.1.2``) carries an ``extension`` that names the Implementation Guide edition,
and that edition decides which measures-data file maps eCQM UUIDs to measure ids, which program names
exist and which measurement sets carry the CEHRT id. A year not in :data:`YEAR_RULES` is not convertible
(the converter says which IG editions it knows), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Program:
    """How an XML program name (``informationRecipient/intendedRecipient/id/@extension``) is encoded."""

    program_name: str  # QPP JSON measurementSets[].programName
    entity_type: str  # QPP JSON entityType
    #: MVP ids are read only for MIPS programs of these entity types (CONVERSION-NOTES section 3)
    reads_mvp: bool


_MIPS = {
    "MIPS": Program("mips", "individual", True),  # bare alias of MIPS_INDIV
    "MIPS_INDIV": Program("mips", "individual", True),
    "MIPS_GROUP": Program("mips", "group", True),
    "MIPS_VIRTUALGROUP": Program("mips", "virtualGroup", False),
    "MIPS_APMENTITY": Program("mips", "apm", True),
    "MIPS_SUBGROUP": Program("mips", "subgroup", True),
    "MIPS_APP1_INDIV": Program("app1", "individual", False),
    "MIPS_APP1_GROUP": Program("app1", "group", False),
    "MIPS_APP1_APMENTITY": Program("app1", "apm", False),
}
_APP_PLUS = {
    "APP_PLUS_INDIV": Program("appPlus", "individual", False),
    "APP_PLUS_GROUP": Program("appPlus", "group", False),
    "APP_PLUS_APMENTITY": Program("appPlus", "apm", False),
}


@dataclass(frozen=True)
class ConversionRules:
    """CMS's conversion rules of one performance year (the converter release for that year)."""

    year: int  # measures-data of this performance year maps eCQM UUIDs to measure ids
    clinical_document_extension: str  # templateId extension of the QRDA III Report - CMS
    programs: MappingProxyType[str, Program]  # upper-case XML program name -> encoding
    cehrt_id_categories: frozenset[str]  # measurement-set categories that carry cehrtId
    ig_url: str  # the Implementation Guide CMS's messages link to
    source: str  # where the row was read


YEAR_RULES: tuple[ConversionRules, ...] = (
    ConversionRules(
        year=2024,
        clinical_document_extension="2022-12-01",
        programs=MappingProxyType(dict(_MIPS)),
        cehrt_id_categories=frozenset({"pi"}),
        ig_url="https://ecqi.healthit.gov/sites/default/files/2024-CMS-QRDA-III-EC-IG-v1.1-508.pdf",
        source="CMSgov/qpp-conversion-tool v2024.2.10 (509abbff): TemplateId.java, Program.java, "
        "PiSectionEncoder#encodeTopLevelValues",
    ),
    ConversionRules(
        year=2025,
        clinical_document_extension="2024-12-01",
        programs=MappingProxyType({**_MIPS, **_APP_PLUS}),
        cehrt_id_categories=frozenset({"pi", "quality"}),
        ig_url="https://ecqi.healthit.gov/sites/default/files/2025-CMS-QRDA-III-EC-IG-v1.1.pdf",
        source="CMSgov/qpp-conversion-tool ca8425be: TemplateId.java, Program.java (APP Plus), "
        "PiSectionEncoder#encodeTopLevelValues",
    ),
)

#: measures CMS's converter sums over all population sets into ONE value block although measures-data
#: lists several (``MeasureConfigHelper`` "multi to single"; identical in both releases)
MULTI_TO_SINGLE_MEASURES = frozenset({"005", "007", "008", "143", "438"})


def rules_for_extension(extension: str | None) -> ConversionRules | None:
    """The rules whose Clinical Document templateId extension is exactly ``extension`` (CMS: exact match)."""
    for rules in YEAR_RULES:
        if rules.clinical_document_extension == extension:
            return rules
    return None


def known_extensions() -> str:
    return ", ".join(f"{r.clinical_document_extension} (performance year {r.year})" for r in YEAR_RULES)
