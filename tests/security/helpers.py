"""Users and cases for the security tests, built through the Python API.

One user per row of the permission matrix; ``build_case(portal, state)`` walks
a fresh case through the real workflow (with its rules) into ``state``.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta

from plone import api
from plone.dexterity.utils import iterSchemata
from zope.component import queryUtility
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import IChoice
from zope.schema.interfaces import IInt
from zope.schema.interfaces import IList
from zope.schema.interfaces import IVocabularyFactory

from cpms.cases import states
from cpms.cases.case_id import create_case
from cpms.core.roles import COORDINATOR
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.core.roles import HELPDESK
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER

PASSWORD = "matrix-secret-2026"

# matrix row -> (user id, site-wide roles, local role on the case or None)
PEOPLE = {
    "member": ("mx-member", ("Member",), None),
    "hp_other": ("mx-hp", ("Member", HEALTHCARE_PROFESSIONAL), None),
    "owner": ("mx-owner", ("Member", HEALTHCARE_PROFESSIONAL), "Owner"),
    "lead": ("mx-lead", ("Member", HEALTHCARE_PROFESSIONAL), PANEL_LEAD),
    "panel_member": (
        "mx-expert",
        ("Member", HEALTHCARE_PROFESSIONAL),
        PANEL_MEMBER,
    ),
    "guest": ("mx-guest", ("Member",), GUEST_CLINICIAN),
    "coordinator": ("mx-coord", ("Member", COORDINATOR), None),
    "helpdesk": ("mx-help", ("Member", HELPDESK), None),
    "editor": ("mx-editor", ("Member", "Editor", "Reviewer"), None),
}
# A second expert, so that a case can be closed (two experts contribute).
SECOND_EXPERT = ("mx-expert2", ("Member", HEALTHCARE_PROFESSIONAL), PANEL_MEMBER)

CLINICAL_SUMMARY = "Zebrafish-like progressive ataxia with retinal dystrophy (matrix)"
NICKNAME = "Matrixbird"


def create_users():
    acl_users = api.portal.get_tool("acl_users")
    for userid, roles, _ in (*PEOPLE.values(), SECOND_EXPERT):
        if api.user.get(userid=userid) is None:
            acl_users.userFolderAddUser(userid, PASSWORD, list(roles), [])


def userid(row):
    return PEOPLE[row][0]


def _sample(field, context):
    """A valid value for a required field of the case schema."""
    if IChoice.providedBy(field):
        vocab = field.vocabulary
        if vocab is None and field.vocabularyName:
            factory = queryUtility(IVocabularyFactory, field.vocabularyName)
            vocab = factory(context) if factory else None
        terms = list(vocab) if vocab is not None else []
        return terms[0].value if terms else "sample"
    if IInt.providedBy(field):
        return 2015
    if IList.providedBy(field):
        return []
    return "Sample text (matrix)"


def case_values(container):
    from cpms.cases.content.case import ICase

    values = {}
    for name, field in getFieldsInOrder(ICase):
        if field.required and not field.readonly:
            values[name] = _sample(field, container)
    values.update(
        nickname=NICKNAME, clinical_summary=CLINICAL_SUMMARY, year_of_birth=2015
    )
    return values


def add_consent(case, kind="care"):
    consent = api.content.create(
        container=case,
        type="ConsentRecord",
        title=f"{kind} consent",
        kind=kind,
        consent_date=date(2026, 1, 5),
    )
    consent.kind = kind
    return consent


def fill_required(case):
    for schema in iterSchemata(case):
        for name, field in getFieldsInOrder(schema):
            if field.required and not field.readonly and not getattr(case, name, None):
                setattr(case, name, _sample(field, case))


def do(obj, transition, actor, comment=""):
    """Fire ``transition`` as ``actor`` (portal_workflow, so that a refusal
    keeps its message; plone.api would replace it)."""
    with api.env.adopt_user(username=actor):
        api.portal.get_tool("portal_workflow").doActionFor(
            obj, transition, comment=comment
        )


def contribute(case, actor, text="I suggest genetic testing."):
    with api.env.adopt_user(username=actor):
        return api.content.create(
            container=case, type="Contribution", title=f"Opinion of {actor}", text=text
        )


def share(case):
    """Grant the panel's local roles, as a coordinator would on Sharing."""
    with api.env.adopt_roles(["Manager"]):
        for row in ("lead", "panel_member", "guest"):
            api.user.grant_roles(username=userid(row), obj=case, roles=[PEOPLE[row][2]])
        api.user.grant_roles(username=SECOND_EXPERT[0], obj=case, roles=[PANEL_MEMBER])


def build_case(portal, state):
    """A case in ``state`` with every local role of the matrix granted,
    reached through the workflow and its rules, as a panel would:

    - in_discussion: created, care consent, submitted, panel opened, two
      experts' contributions and a draft outcome report;
    - draft: in_discussion, then sent back with request_info;
    - submitted: that draft submitted again;
    - closed: in_discussion, report signed, closed; archived: then archived;
    - withdrawn: in_discussion, then withdrawn by the clinician.

    So every state has items (consent, contributions, report) to check.
    """
    create_users()
    owner, lead, coordinator = userid("owner"), userid("lead"), userid("coordinator")
    with api.env.adopt_user(username=owner):
        case = create_case(portal["cases"], **case_values(portal["cases"]))
        fill_required(case)
        add_consent(case)
    share(case)
    do(case, states.SUBMIT, owner)
    do(case, states.OPEN_PANEL, coordinator)
    contribute(case, lead)
    contribute(case, SECOND_EXPERT[0])
    with api.env.adopt_user(username=lead):
        report = api.content.create(
            container=case,
            type="OutcomeReport",
            title="Outcome report",
            findings="Findings of the panel (matrix)",
        )
    if state in (states.DRAFT, states.SUBMITTED):
        do(case, states.REQUEST_INFO, lead, comment="Please add the MRI report.")
        if state == states.SUBMITTED:
            do(case, states.SUBMIT, owner)
    elif state == states.WITHDRAWN:
        do(case, states.WITHDRAW, owner)
    elif state in (states.CLOSED, states.ARCHIVED):
        do(report, states.SIGN, lead)
        do(case, states.CLOSE, lead)
        if state == states.ARCHIVED:
            do(case, states.ARCHIVE, coordinator)
    assert api.content.get_state(case) == state
    return case


def child(case, portal_type):
    return next(o for o in case.objectValues() if o.portal_type == portal_type)


# Case data that the walks look for: free text and item titles made of
# words found nowhere else on the site.
MEETING_TITLE = "Tumour board Quillfeather"
MEETING_AGENDA = "Compare the Wrenwhistle biopsy series"


def add_meeting(case, actor=None):
    """A meeting of the panel, titled and described in free text."""
    with api.env.adopt_user(username=actor or userid("lead")):
        start = datetime(2027, 2, 3, 14, 0)
        return api.content.create(
            container=case,
            type="Meeting",
            title=MEETING_TITLE,
            start=start,
            end=start + timedelta(hours=1),
            timezone="Europe/Brussels",
            attendees=[userid("lead")],
            agenda=MEETING_AGENDA,
        )


# The walk's outsiders beyond the matrix rows: network staff who review,
# the people of another case, and people who were on this case once.
OUTSIDERS = {
    "reviewer": ("mx-reviewer", ("Member", "Reviewer")),
    "other_owner": ("mx-owner2", ("Member", HEALTHCARE_PROFESSIONAL)),
    "other_lead": ("mx-lead2", ("Member", HEALTHCARE_PROFESSIONAL)),
    "other_member": ("mx-expert3", ("Member", HEALTHCARE_PROFESSIONAL)),
    "removed_member": ("mx-removed", ("Member", HEALTHCARE_PROFESSIONAL)),
    "revoked_guest": ("mx-guest-revoked", ("Member",)),
    "expired_guest": ("mx-guest-expired", ("Member",)),
    # A hospital's data protection officer: reads the access audit, never
    # the case.
    "dpo": ("mx-dpo", ("Member", "DataProtectionOfficer")),
    # A researcher: reads the anonymised statistics, never a case.
    "researcher": ("mx-researcher", ("Member", "Researcher")),
}
OTHER_NICKNAME = "Otherbird"


def create_outsiders():
    create_users()
    acl_users = api.portal.get_tool("acl_users")
    for user, roles in OUTSIDERS.values():
        if api.user.get(userid=user) is None:
            acl_users.userFolderAddUser(user, PASSWORD, list(roles), [])


def outsider(row):
    """The user id of a walk row: a matrix row or one of OUTSIDERS."""
    return OUTSIDERS[row][0] if row in OUTSIDERS else userid(row)


def build_other_case(portal):
    """Another case, with its own owner, lead and member (a draft: enough
    for its people to hold their roles)."""
    create_outsiders()
    with api.env.adopt_user(username=outsider("other_owner")):
        values = dict(
            case_values(portal["cases"]),
            nickname=OTHER_NICKNAME,
            clinical_summary="Another patient's summary (other case)",
        )
        case = create_case(portal["cases"], **values)
        fill_required(case)
    with api.env.adopt_roles(["Manager"]):
        api.user.grant_roles(
            username=outsider("other_lead"), obj=case, roles=[PANEL_LEAD]
        )
        api.user.grant_roles(
            username=outsider("other_member"), obj=case, roles=[PANEL_MEMBER]
        )
    case.reindexObjectSecurity()
    return case
