# ruff: noqa: E501  (XML templates read better unwrapped)
"""Build small QRDA III documents for converter tests (one template per helper, CONVERSION-NOTES 2)."""

from __future__ import annotations

EXT = {2024: "2022-12-01", 2025: "2024-12-01"}


def rpa(low: str = "20240101", high: str = "20241231") -> str:
    return (
        '<entry typeCode="DRIV"><act classCode="ACT" moodCode="EVN">'
        '<templateId root="2.16.840.1.113883.10.20.17.3.8"/>'
        f'<effectiveTime><low value="{low}"/><high value="{high}"/></effectiveTime></act></entry>'
    )


def count(n: object) -> str:
    return (
        '<entryRelationship typeCode="SUBJ"><observation><templateId root="2.16.840.1.113883.10.20.27.3.3"/>'
        f'<value xsi:type="INT" value="{n}"/></observation></entryRelationship>'
    )


def population(code: str, uuid: str, n: object) -> str:
    return (
        '<component><observation><templateId root="2.16.840.1.113883.10.20.27.3.5"/>'
        '<templateId root="2.16.840.1.113883.10.20.27.3.16"/>'
        f'<value xsi:type="CD" code="{code}"/>{count(n)}'
        f'<reference><externalObservation><id root="{uuid}"/></externalObservation></reference>'
        "</observation></component>"
    )


def measure(guid: str, *populations: str) -> str:
    return (
        '<entry><organizer><templateId root="2.16.840.1.113883.10.20.27.3.1"/>'
        '<templateId root="2.16.840.1.113883.10.20.27.3.17"/>'
        f'<reference><externalDocument><id root="2.16.840.1.113883.4.738" extension="{guid}"/>'
        f"</externalDocument></reference>{''.join(populations)}</organizer></entry>"
    )


def quality_section(*entries: str, period: str | None = None) -> str:
    return (
        '<component><section><templateId root="2.16.840.1.113883.10.20.27.2.1" extension="2020-12-01"/>'
        '<templateId root="2.16.840.1.113883.10.20.27.2.3" extension="2022-05-01"/>'
        f"{''.join(entries)}{rpa() if period is None else period}</section></component>"
    )


def performed(code: str) -> str:
    return (
        '<component><observation><templateId root="2.16.840.1.113883.10.20.27.3.27"/>'
        f'<value xsi:type="CD" code="{code}"/></observation></component>'
    )


def pi_bool(measure_id: str, code: str = "Y") -> str:
    return (
        '<entry><organizer><templateId root="2.16.840.1.113883.10.20.27.3.29"/>'
        f'<reference><externalDocument><id root="2.16.840.1.113883.3.7031" extension="{measure_id}"/>'
        f"</externalDocument></reference>{performed(code)}</organizer></entry>"
    )


def pi_nd(measure_id: str, numerator: object, denominator: object) -> str:
    def part(template: str, n: object) -> str:
        return f'<component><observation><templateId root="{template}"/>{count(n)}</observation></component>'

    return (
        '<entry><organizer><templateId root="2.16.840.1.113883.10.20.27.3.28"/>'
        f'<reference><externalDocument><id root="2.16.840.1.113883.3.7031" extension="{measure_id}"/>'
        f"</externalDocument></reference>{part('2.16.840.1.113883.10.20.27.3.31', numerator)}"
        f"{part('2.16.840.1.113883.10.20.27.3.32', denominator)}</organizer></entry>"
    )


def pi_section(*entries: str, period: str | None = None) -> str:
    return (
        '<component><section><templateId root="2.16.840.1.113883.10.20.27.2.5" extension="2020-12-01"/>'
        f"{''.join(entries)}{rpa() if period is None else period}</section></component>"
    )


def ia(activity: str, code: str = "Y") -> str:
    return (
        '<entry><organizer><templateId root="2.16.840.1.113883.10.20.27.3.33"/>'
        f'<reference><externalDocument><id root="2.16.840.1.113883.3.7034" extension="{activity}"/>'
        f"</externalDocument></reference>{performed(code)}</organizer></entry>"
    )


def ia_section(*entries: str, period: str | None = None) -> str:
    return (
        '<component><section><templateId root="2.16.840.1.113883.10.20.27.2.4" extension="2020-12-01"/>'
        f"{''.join(entries)}{rpa() if period is None else period}</section></component>"
    )


def document(
    *sections: str,
    program: str | None = "MIPS_INDIV",
    year: int = 2024,
    tin: str = "000777777",
    npi: str = "0777777777",
    org_ids: str = "",
    participant_ids: str = '<id root="2.16.840.1.113883.3.2074.1" extension="0015C0000000001"/>',
    extension: str | None = None,
) -> bytes:
    ext = EXT[year] if extension is None else extension
    recipient = (
        "<informationRecipient><intendedRecipient>"
        f'<id root="2.16.840.1.113883.3.249.7" extension="{program}"/></intendedRecipient></informationRecipient>'
        if program is not None
        else ""
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<templateId root="2.16.840.1.113883.10.20.27.1.1" extension="2017-06-01"/>'
        f'<templateId root="2.16.840.1.113883.10.20.27.1.2" extension="{ext}"/>'
        f"{recipient}"
        f"<participant><associatedEntity>{participant_ids}</associatedEntity></participant>"
        "<documentationOf><serviceEvent><performer><assignedEntity>"
        f'<id root="2.16.840.1.113883.4.6" extension="{npi}"/><representedOrganization>'
        f'<id root="2.16.840.1.113883.4.2" extension="{tin}"/>{org_ids}</representedOrganization>'
        "</assignedEntity></performer></serviceEvent></documentationOf>"
        f"<component><structuredBody>{''.join(sections)}</structuredBody></component></ClinicalDocument>"
    ).encode()
