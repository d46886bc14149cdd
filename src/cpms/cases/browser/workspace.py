"""The case workspace: what the case page shows and offers to the current user.

The case page is where a case is enrolled, discussed and closed: its header
names the ONE next step of the person looking at it (``next_step``), refused
steps come back as a checklist of what is missing, each item with a link that
fixes it (``checklist``), and the discussion reads as one timeline
(``timeline``). Everything is computed from what the workflow already says:
the transitions the user may fire (their guards are permissions mapped per
state), the local roles on the case and the rules of ``cpms.cases.workflow``.
So when a role gains a permission on a case, its button appears by itself.

Items of other slices (meetings, medical files) live inside the case; they
are read here by their portal type and attributes, never imported, so that
the cases slice stays below them.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime

from babel.dates import format_date as babel_format_date
from DateTime import DateTime
from plone import api
from plone.dexterity.utils import iterSchemata
from zope.component import queryAdapter
from zope.schema import getFieldsInOrder

from cpms import _
from cpms.cases import states
from cpms.cases.interfaces import ICaseGuestGrants
from cpms.cases.utils import local_roles
from cpms.cases.workflow import MIN_EXPERTS
from cpms.cases.workflow import expert_contributors
from cpms.cases.workflow import last_info_request
from cpms.cases.workflow import signed_reports
from cpms.cases.workflow import valid_care_consents
from cpms.core import audit
from cpms.core import permissions
from cpms.core import roles
from cpms.core.i18n import as_message
from cpms.core.i18n import format_date
from cpms.core.i18n import format_datetime
from cpms.core.i18n import request_language
from cpms.core.users import fullname

# What each transition is called on a button, and what happened, in a timeline.
TRANSITION_LABELS = {
    states.SUBMIT: _("Submit"),
    states.OPEN_PANEL: _("Open panel"),
    states.REQUEST_INFO: _("Request information"),
    states.CLOSE: _("Close"),
    states.ARCHIVE: _("Archive"),
    states.WITHDRAW: _("Withdraw"),
    states.REOPEN: _("Reopen"),
}
HISTORY_LABELS = {
    None: _("Case created"),
    states.SUBMIT: _("Submitted to the coordinators"),
    states.OPEN_PANEL: _("Panel opened"),
    states.REQUEST_INFO: _("Information requested"),
    states.CLOSE: _("Case closed"),
    states.ARCHIVE: _("Case archived"),
    states.WITHDRAW: _("Case withdrawn"),
    states.REOPEN: _("Discussion reopened"),
}
AUDIT_LABELS = {
    "close_override": _("Closed by a coordinator without meeting the closing rule"),
    "consent_withdrawn": _("Consent withdrawn"),
    "referral_accepted": _("Case created from this referral"),
    "images_uploaded": _("DICOM images uploaded"),
    "images_pixels_confirmed": _("Pixels checked for identifying text"),
    "case_exported": _("Case data exported"),
    "fhir_export": _("Case exported as a FHIR bundle"),
    "case_erased": _("Case data erased"),
    "similar_cases_viewed": _("Similar cases looked up"),
    "diagnosis_suggestions_viewed": _("Diagnosis suggestions looked up"),
    "contact requested": _("Contact asked with the clinicians of a similar case"),
    "contact accepted": _("Contact request accepted"),
    "contact declined": _("Contact request declined"),
    "external_expert_invited": _("Expert of another network invited"),
    "external_expert_revoked": _("Access of an expert of another network ended"),
}
# Irreversible transitions: offered apart from the next step, and fired only
# after a confirmation whose sentence says what happens.
CONFIRMATIONS = {
    states.WITHDRAW: (
        _(
            "The case will be withdrawn and locked for good: nobody can change "
            "it, add to it or discuss it any more, and it cannot be reopened. "
            "What it holds stays on record."
        )
    ),
    states.ARCHIVE: (
        _(
            "The case will be archived: it is kept for the record only and can "
            "no longer be reopened or changed."
        )
    ),
}
REPORT_SIGN = "sign"
# A consent's timeline entry, by kind and whether it was withdrawn.
CONSENT_TITLES = {
    ("care", False): _("Care consent recorded"),
    ("care", True): _("Care consent withdrawn"),
    ("registries", False): _("Registries consent recorded"),
    ("registries", True): _("Registries consent withdrawn"),
    ("research", False): _("Research consent recorded"),
    ("research", True): _("Research consent withdrawn"),
}


@dataclass
class Step:
    """The one thing the current user should do next on the case."""

    action: str  # what @@case-action does (a transition id, or "contribute")
    label: str  # the button's text
    help: str  # one sentence: what happens
    url: str = ""  # a link instead of a button (a form of its own)
    text_label: str = ""  # a text box sent with the button (an answer, a comment)


@dataclass
class ChecklistItem:
    text: str
    url: str = ""
    link_text: str = ""


@dataclass
class Entry:
    """One event of the case's discussion, in the timeline."""

    kind: str  # css hook: history, contribution, consent, meeting, file, report
    title: str
    when: datetime | None
    who: str = ""
    text: str = ""
    url: str = ""
    open_label: str = "Open"  # the link to the item's own page
    links: list = field(default_factory=list)  # [(label, url)]
    details: list = field(default_factory=list)  # [(label, value)]


# --- who is looking, and what they may do --------------------------------


def review_state(obj):
    return api.content.get_state(obj=obj, default=None)


def state_title(obj) -> str:
    state = review_state(obj)
    if state is None:
        return ""
    wf = api.portal.get_tool("portal_workflow")
    title = wf.getTitleForStateOnType(state, obj.portal_type) or state
    # Workflow titles are in the catalogue (extracted from the definitions).
    return as_message(title)


def available_transitions(obj) -> set[str]:
    """Transitions the current user may fire on ``obj`` (guards checked)."""
    wf = api.portal.get_tool("portal_workflow")
    return {t["id"] for t in wf.getTransitionsFor(obj)}


def my_roles(case) -> set[str]:
    return set(api.user.get_roles(obj=case))


def may(permission, obj) -> bool:
    return bool(api.user.has_permission(permission, obj=obj))


def children(case, portal_type):
    """Items of ``portal_type`` in the case that the user may view, oldest first."""
    found = [
        obj
        for obj in case.objectValues()
        if obj.portal_type == portal_type and may(permissions.VIEW, obj)
    ]
    return sorted(found, key=lambda o: o.created())


def report_of(case):
    reports = children(case, "OutcomeReport")
    return reports[0] if reports else None


def contributed(case, userid) -> bool:
    return any(
        userid in c.listCreators()
        for c in case.objectValues()
        if c.portal_type == "Contribution"
    )


def add_url(case, portal_type) -> str:
    return f"{case.absolute_url()}/++add++{portal_type}"


def can_add(case, portal_type) -> bool:
    """The user may add ``portal_type`` here: its add permission and the
    case's "Add portal content" (which the case workflow maps per state)."""
    if not may(permissions.ADD_PORTAL_CONTENT, case):
        return False
    return any(fti.getId() == portal_type for fti in case.allowedContentTypes())


# --- the next step -------------------------------------------------------


def next_step(case) -> Step | None:
    """The ONE next step of the current user on ``case``, or None."""
    state = review_state(case)
    transitions = available_transitions(case)
    held = my_roles(case)
    userid = api.user.get_current().getId()
    if state == states.DRAFT and states.SUBMIT in transitions:
        if last_info_request(case):
            return Step(
                states.SUBMIT,
                _("Provide the information"),
                _(
                    "Complete the case if needed, write your answer and send the "
                    "case back to the coordinators."
                ),
                text_label=_("Your answer"),
            )
        return Step(
            states.SUBMIT,
            _("Submit"),
            _(
                "Send the case to the network's coordinators, who assemble its "
                "panel. You can no longer change it afterwards."
            ),
        )
    if state == states.SUBMITTED and states.OPEN_PANEL in transitions:
        return Step(
            states.OPEN_PANEL,
            _("Open panel"),
            _(
                "Start the panel's discussion: its lead and members can then "
                "contribute."
            ),
        )
    if state != states.IN_DISCUSSION:
        return None
    if roles.PANEL_LEAD in held:
        report = report_of(case)
        if report is None and can_add(case, "OutcomeReport"):
            return Step(
                "report",
                _("Write the outcome report"),
                _(
                    "Write the panel's findings and recommendations; you sign them "
                    "next."
                ),
                url=add_url(case, "OutcomeReport"),
            )
        unsigned = report is not None and review_state(report) != states.REPORT_SIGNED
        if unsigned and REPORT_SIGN in available_transitions(report):
            return Step(
                REPORT_SIGN,
                _("Sign"),
                _(
                    "Sign the outcome report as the panel's lead. It cannot be "
                    "changed afterwards."
                ),
            )
        if report is not None and states.CLOSE in transitions:
            return Step(
                states.CLOSE,
                _("Close"),
                _(
                    "End the discussion: the referring clinician gets the signed "
                    "report."
                ),
            )
    if (
        held & {roles.PANEL_LEAD, roles.PANEL_MEMBER, roles.GUEST_CLINICIAN}
        and can_add(case, "Contribution")
        and not contributed(case, userid)
    ):
        return Step(
            "contribute",
            _("Add your contribution"),
            _("Give your opinion, questions or advice to the panel."),
            url="#contribute",
        )
    return None


# --- what is missing -----------------------------------------------------


def missing_case_fields(case) -> list[tuple[str, str]]:
    """(name, title) of the required fields of the case left empty."""
    missing = []
    for schema in iterSchemata(case):
        for name, schema_field in getFieldsInOrder(schema):
            if not schema_field.required or schema_field.readonly:
                continue
            value = getattr(schema(case, None), name, None)
            if value is None or value in ("", [], (), set(), frozenset()):
                missing.append((name, schema_field.title))
    return missing


def checklist(case, transition) -> list[ChecklistItem]:
    """What ``transition`` still needs on ``case``, each with the link that
    fixes it. Empty when the readiness rules are met."""
    url = case.absolute_url()
    items = []
    if transition == states.SUBMIT:
        if not valid_care_consents(case):
            items.append(
                ChecklistItem(
                    _("The patient's care consent is not recorded."),
                    f"{url}/@@edit-case#consent",
                    _("Record the care consent"),
                )
            )
        for name, title in missing_case_fields(case):
            items.append(
                ChecklistItem(
                    _("${field} is empty.", mapping={"field": title}),
                    f"{url}/@@edit-case#field-{name}",
                    _("Fill in ${field}", mapping={"field": title}),
                )
            )
    elif transition == states.CLOSE:
        if not signed_reports(case):
            report = report_of(case)
            if report is None:
                items.append(
                    ChecklistItem(
                        _("There is no outcome report yet."),
                        add_url(case, "OutcomeReport"),
                        _("Write the outcome report"),
                    )
                )
            else:
                items.append(
                    ChecklistItem(
                        _("The outcome report is not signed by the panel lead."),
                        f"{url}#next-step",
                        _("Sign the outcome report"),
                    )
                )
        experts = expert_contributors(case)
        if len(experts) < MIN_EXPERTS:
            items.append(
                ChecklistItem(
                    _(
                        "Contributions from at least ${count} experts of the panel "
                        "are needed (now ${now}).",
                        mapping={"count": MIN_EXPERTS, "now": len(experts)},
                    ),
                    f"{url}#discussion",
                    _("See the discussion"),
                )
            )
    return items


# --- the discussion as one timeline --------------------------------------


def _as_datetime(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, DateTime):
        return value.asdatetime().astimezone(UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def _history_entries(case) -> list[Entry]:
    entries = []
    history = case.workflow_history.get(states.CASE_WORKFLOW_ID, ())
    previous = None
    for item in history:
        action = item.get("action")
        comment = (item.get("comments") or "").strip()
        title = HISTORY_LABELS.get(action, TRANSITION_LABELS.get(action, action))
        if action == states.SUBMIT and previous == states.REQUEST_INFO:
            title = _("Information provided and submitted again")
        entries.append(
            Entry(
                kind="history",
                title=title,
                when=_as_datetime(item.get("time")),
                who=fullname(item.get("actor")),
                text=comment,
            )
        )
        previous = action
    return entries


def _consent_entry(consent) -> Entry:
    kind = getattr(consent, "kind", "") or ""
    details = []
    form = getattr(consent, "consent_form", None)
    if form:
        brains = api.content.find(UID=form)
        if brains:
            details.append((_("Form"), brains[0].Title))
    if getattr(consent, "consent_language", None):
        details.append((_("Language"), _term(consent, "consent_language")))
    if getattr(consent, "consent_version", None):
        details.append((_("Version"), consent.consent_version))
    if getattr(consent, "consent_date", None):
        details.append((_("Date of consent"), consent.consent_date.isoformat()))
    withdrawn = review_state(consent) == states.CONSENT_WITHDRAWN or getattr(
        consent, "withdrawn", False
    )
    title = CONSENT_TITLES.get(
        (kind, bool(withdrawn)),
        _("Consent withdrawn") if withdrawn else _("Consent recorded"),
    )
    return Entry(
        kind="consent",
        open_label=_("Open the consent record"),
        title=title,
        when=_as_datetime(consent.created()),
        who=fullname(getattr(consent, "recorded_by", None)),
        url=consent.absolute_url(),
        details=details,
    )


def _term(obj, name) -> str:
    value = getattr(obj, name, None)
    for schema in iterSchemata(obj):
        if name in schema:
            try:
                vocabulary = schema[name].bind(obj).vocabulary
                return vocabulary.getTerm(value).title or value
            except (LookupError, AttributeError, TypeError):
                return value
    return value


def _contribution_entry(contribution) -> Entry:
    creators = contribution.listCreators()
    return Entry(
        kind="contribution",
        open_label=_("Open the contribution"),
        title=_("Contribution"),
        when=_as_datetime(contribution.created()),
        who=fullname(creators[0] if creators else ""),
        text=getattr(contribution, "text", "") or "",
        url=contribution.absolute_url(),
    )


def _meeting_entry(meeting) -> Entry:
    start, end = getattr(meeting, "start", None), getattr(meeting, "end", None)
    tzname = getattr(meeting, "timezone", None) or "UTC"
    details = []
    if start is not None:
        # In the reader's language, as the meeting page and its mail write it.
        language = request_language()
        when = format_datetime(start, language, "EEEE dd MMMM y, HH:mm")
        if end is not None:
            when += f" - {format_datetime(end, language, 'HH:mm')}"
        details.append((_("When"), f"{when} ({tzname})"))
    attendees = getattr(meeting, "attendees", None) or ()
    if attendees:
        details.append((_("Attendees"), ", ".join(fullname(u) for u in attendees)))
    links = []
    video = getattr(meeting, "video_url", None)
    if video:
        links.append((_("Join the video meeting"), video))
    links.append((_("Add to calendar (.ics)"), f"{meeting.absolute_url()}/@@ics"))
    return Entry(
        kind="meeting",
        open_label=_("Open the meeting"),
        title=_("Meeting: ${title}", mapping={"title": meeting.Title()}),
        when=_as_datetime(meeting.created()),
        who=fullname((meeting.listCreators() or [""])[0]),
        text=getattr(meeting, "agenda", "") or "",
        url=meeting.absolute_url(),
        links=links,
        details=details,
    )


def _size(value) -> str:
    size = value.getSize() if value is not None else 0
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    return f"{max(1, size // 1024)} KB"


def _file_entry(obj) -> Entry:
    value = getattr(obj, "file", None)
    name = (
        (getattr(value, "filename", None) or obj.Title() or obj.getId())
        if value
        else obj.Title()
    )
    links = []
    details = []
    if value is not None:
        # @@download of a medical file always answers as an attachment.
        links.append(
            (
                _("Download ${name}", mapping={"name": name}),
                f"{obj.absolute_url()}/@@download/file",
            )
        )
        # A viewer of the imaging slice (a view by name: cases does not
        # import imaging), offered when it exists for this file.
        from zope.component import queryMultiAdapter
        from zope.globalrequest import getRequest

        if queryMultiAdapter((obj, getRequest()), name="slide") is not None:
            links.append((_("View the slide"), f"{obj.absolute_url()}/@@slide"))
        kind = getattr(obj, "kind", None)
        details.append((_("File"), f"{kind + ', ' if kind else ''}{_size(value)}"))
    return Entry(
        kind="file",
        open_label=_("Open the file's page"),
        title=_("File: ${title}", mapping={"title": obj.Title() or name}),
        when=_as_datetime(obj.created()),
        who=fullname((obj.listCreators() or [""])[0]),
        url=obj.absolute_url(),
        links=links,
        details=details,
    )


def _report_entry(report) -> Entry:
    signed = review_state(report) == states.REPORT_SIGNED
    details = [
        (label, getattr(report, name))
        for name, label in (
            ("findings", _("Findings")),
            ("recommendations", _("Recommendations")),
            ("treatment_plan", _("Treatment plan")),
            ("references", _("References")),
        )
        if getattr(report, name, None)
    ]
    title = (
        _("Outcome report (signed)")
        if signed
        else _("Outcome report (draft, not signed)")
    )
    who = fullname(getattr(report, "signed_by", None)) if signed else ""
    if not who:
        who = fullname((report.listCreators() or [""])[0])
    when = getattr(report, "signed_on", None) if signed else None
    return Entry(
        kind="report",
        open_label=_("Open the report"),
        title=title,
        when=_as_datetime(when) or _as_datetime(report.created()),
        who=who,
        url=report.absolute_url(),
        links=[
            (_("Download the report (PDF)"), f"{report.absolute_url()}/@@report.pdf")
        ],
        details=details,
    )


ITEM_ENTRIES = {
    "ConsentRecord": _consent_entry,
    "Contribution": _contribution_entry,
    "Meeting": _meeting_entry,
    "MedicalFile": _file_entry,
    "OutcomeReport": _report_entry,
}


def timeline(case) -> list[Entry]:
    """The case's history and the items the user may see, oldest first."""
    entries = _history_entries(case)
    for obj in case.objectValues():
        make = ITEM_ENTRIES.get(obj.portal_type)
        if make is not None and may(permissions.VIEW, obj):
            entries.append(make(obj))
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(entries, key=lambda e: e.when or epoch)


def audit_entries(case) -> list[dict]:
    return [
        {
            **entry,
            "label": AUDIT_LABELS.get(entry.get("action"), entry.get("action")),
            "who": fullname(entry.get("actor")),
        }
        for entry in audit.entries(case)
    ]


# --- the panel -----------------------------------------------------------


def guest_grants(case) -> dict:
    """userid -> end of their guest access (the identity slice keeps them)."""
    grants = queryAdapter(case, ICaseGuestGrants) or ()
    return {grant.userid: grant.until for grant in grants}


def panel(case) -> dict:
    """Lead, members and guests of the case, by full name."""
    held = local_roles(case)
    lead = sorted(fullname(u) for u, r in held.items() if roles.PANEL_LEAD in r)
    members = sorted(
        fullname(u)
        for u, r in held.items()
        if roles.PANEL_MEMBER in r and roles.PANEL_LEAD not in r
    )
    guests = [
        {"name": fullname(userid), "until": format_date(until, request_language())}
        for userid, until in sorted(guest_grants(case).items(), key=lambda i: i[1])
    ]
    clinician = [fullname(u) for u, r in held.items() if roles.OWNER in r]
    return {"lead": lead, "members": members, "guests": guests, "owner": clinician}


def when(value) -> str:
    """A moment of the timeline in the reader's language, UTC."""
    if value is None:
        return ""
    language = request_language().replace("-", "_")
    language = "en_GB" if language == "en" else language  # 12 Jan 2026, as before
    try:
        day = babel_format_date(value, "medium", locale=language)
    except (ValueError, LookupError):
        day = babel_format_date(value, "medium", locale="en")
    return f"{day}, {value:%H:%M} UTC"
