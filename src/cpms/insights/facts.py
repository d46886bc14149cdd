"""What the network's aggregate figures are computed from: one small record
per case, read from the catalog's metadata only (no case is woken).

``case_facts()`` is for aggregate figures only (statistics, KPIs, the
board's activity report). Its records name cases (uid, case id) so that
figures can be joined with other catalog records on the server; a record
never leaves the server as such: no page, REST answer, CSV or PDF may show
one case's facts, only counts and durations over groups (with small cells
suppressed, ``cpms.insights.statistics``).

It searches unrestrictedly: a researcher may see no case, and the figures
count every case of the network.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime

from DateTime import DateTime
from plone import api

CASE_TYPE = "Case"


@dataclass(frozen=True)
class CaseFacts:
    uid: str
    case_id: str
    # The expertise area: its UID and title ('' when the case has none).
    area: str
    area_title: str
    # ISO 3166 code of the referring centre's country ('' if unknown).
    country: str
    state: str
    urgent: bool
    # The year the case was submitted, else the year it was created.
    year: int | None
    created: datetime | None
    submitted: datetime | None = None
    panel_opened: datetime | None = None
    closed: datetime | None = None
    orpha_codes: tuple[str, ...] = field(default_factory=tuple)
    icd10_codes: tuple[str, ...] = field(default_factory=tuple)


def as_datetime(value) -> datetime | None:
    """A catalog value (Zope DateTime, datetime, ISO text) as an aware
    datetime in UTC, or None."""
    if value is None or value == "" or callable(value):
        return None
    if isinstance(value, DateTime):
        return value.asdatetime().astimezone(UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _column(brain, name, default=None):
    # A column added after the catalog was built reads as Missing.Value
    # until the record is reindexed.
    value = getattr(brain, name, default)
    if value is None or type(value).__name__ == "Missing":
        return default
    return value


def area_titles(catalog=None) -> dict[str, str]:
    """Expertise area UID -> title (with its workstream, as the forms show it)."""
    catalog = catalog or api.portal.get_tool("portal_catalog")
    titles = {}
    for brain in catalog.unrestrictedSearchResults(portal_type="ExpertiseArea"):
        titles[brain.UID] = brain.Title or brain.getId
    return titles


def case_facts(portal=None) -> list[CaseFacts]:
    """Every case of the site as a ``CaseFacts``, oldest first.

    For aggregate figures only: see the module's docstring.
    """
    catalog = api.portal.get_tool("portal_catalog")
    titles = area_titles(catalog)
    query = {"portal_type": CASE_TYPE, "sort_on": "created"}
    if portal is not None:
        query["path"] = "/".join(portal.getPhysicalPath())
    facts = []
    seen = set()
    for brain in catalog.unrestrictedSearchResults(**query):
        # A case is counted once, even should the catalog hold a stale
        # second record of it.
        if brain.UID in seen:
            continue
        seen.add(brain.UID)
        created = as_datetime(_column(brain, "created"))
        submitted = as_datetime(_column(brain, "case_submitted"))
        first = submitted or created
        area = _column(brain, "case_area", "") or ""
        facts.append(
            CaseFacts(
                uid=brain.UID,
                case_id=brain.Title or brain.getId,
                area=area,
                area_title=titles.get(area, ""),
                country=(_column(brain, "case_country", "") or "").upper(),
                state=brain.review_state or "",
                urgent=bool(_column(brain, "case_urgent", False)),
                year=first.year if first else None,
                created=created,
                submitted=submitted,
                panel_opened=as_datetime(_column(brain, "case_panel_opened")),
                closed=as_datetime(_column(brain, "case_closed")),
                orpha_codes=tuple(_column(brain, "case_orpha_codes", ()) or ()),
                icd10_codes=tuple(_column(brain, "case_icd10_codes", ()) or ()),
            )
        )
    return facts
