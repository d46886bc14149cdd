"""Contact requests: asking the clinicians of a similar case one cannot see.

``@similar-cases`` names the similar cases elsewhere in the network that the
asking user may not view only by tokens (``cpms.insights.tokens``). A
clinician who holds a role on their own case (its enrolling clinician, the
panel's lead or a member) may send a contact request naming one of those
tokens. The target case's enrolling clinicians (local role ``Owner``) are
mailed: a clinician of the network, of centre X, asks for contact about a
case similar to their own case; the requester's case id, name and address
are not told. They accept or decline. On acceptance both sides see each
other's case id and the contacts (name, e-mail, centre) of the other side;
on a refusal the requester learns only that it was declined. Each step is
written to both cases' audit trails (``cpms.core.audit.record``), in words
that never name the other case before acceptance.

Where requests live: one ``OOBTree`` in the site's annotations, keyed by a
random request id, each request a ``PersistentMapping`` of its own. On the
site, not on either case, because a clinician's list (``GET
@contact-requests``) gathers the requests they sent and those addressed to
them across every case without waking or walking the cases, and because
storing it on the requester's case would put the name of a case its people
may not see into that case (its exports, its erasure), and on the target
case the reverse. A BTree, not one mapping: two requests sent at the same
moment add different keys, which the BTree's conflict resolution merges;
each request is its own object, so deciding one never conflicts with
sending another.

API::

    send_request(case, token, message="") -> dict     # the stored request
    decide(request_id, accept) -> dict
    listing(userid) -> {"sent": [...], "received": [...]}
    view_of(request, userid) -> dict                  # what userid may see
"""

import secrets
from datetime import UTC
from datetime import datetime

from AccessControl import getSecurityManager
from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from persistent.mapping import PersistentMapping
from plone import api

from cpms import _
from cpms import logger
from cpms.core import audit
from cpms.core import i18n
from cpms.core import mail
from cpms.core.annotations import annotation
from cpms.core.roles import OWNER
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.core.users import email_of
from cpms.core.users import fullname
from cpms.core.validation import identifier_refusal
from cpms.insights import similarity
from cpms.insights import tokens
from cpms.network.content.healthcare_provider import provider_group_id

KEY = "cpms.insights.contact_requests"
PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"
STATES = (PENDING, ACCEPTED, DECLINED)
# Who may ask about their case: its enrolling clinician and its panel. A
# guest clinician is an outsider to the network's cases, a coordinator
# holds no case of their own.
REQUESTER_ROLES = (OWNER, PANEL_LEAD, PANEL_MEMBER)
MESSAGE_MAX = 1000
# A token the page handed out that no longer names a similar case (its codes
# changed since the page was shown) or one that was never handed out.
STALE = _(
    "This similar case cannot be asked about from this case any more. Reload "
    "the case page and try again."
)
# The actor of a record read by the other side before it may know who acted.
ANONYMISED = "(a clinician of the network)"
# The page where requests are answered (a view on the site).
PAGE = "@@contact-requests"


class ContactRequestError(Exception):
    """A refused request; ``field`` names what was wrong, ``status`` how to
    answer: ``bad`` (400), ``forbidden`` (403), ``not-found`` (404),
    ``conflict`` (409)."""

    def __init__(self, field: str, message, status: str = "bad", web=None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status
        # The words for the web pages, where tokens and endpoints are unknown.
        self.web = web if web is not None else message


# --- the store ----------------------------------------------------------------


def _store(create: bool = False, name: str = ""):
    """The requests by id (``name`` empty), or one of the indexes
    (``requester``, ``source``, ``target``): key -> the ids of its requests."""
    key = f"{KEY}.{name}" if name else KEY
    return annotation(api.portal.get(), key, OOBTree if create else None)


# Which field of a request each index is keyed by.
INDEXES = {"requester": "requester", "source": "source_uid", "target": "target_uid"}


def _add(stored) -> None:
    _store(create=True)[stored["id"]] = stored
    for name, field in INDEXES.items():
        index = _store(create=True, name=name)
        ids = index.get(stored[field])
        if ids is None:
            ids = index[stored[field]] = OOTreeSet()
        ids.insert(stored["id"])


def _by(name: str, key: str) -> list:
    """The requests whose ``INDEXES[name]`` field is ``key``."""
    index = _store(name=name)
    store = _store()
    if index is None or store is None or key not in index:
        return []
    return [store[i] for i in index[key] if i in store]


def all_requests() -> list:
    store = _store()
    return list(store.values()) if store is not None else []


def requests_from(case) -> list:
    """The requests sent from ``case``."""
    return _by("source", case.UID())


def case_erased(case, event) -> None:
    """The messages of the requests sent from or about an erased case are
    replaced by the erasure's tombstone: a clinician may have written about
    the patient in them. Who asked whom, and when, stays (the audit trail
    names it anyway)."""
    uid = case.UID()
    for name in ("source", "target"):
        for stored in _by(name, uid):
            if stored["message"]:
                stored["message"] = event.tombstone


def get(request_id: str):
    store = _store()
    if store is None or not request_id:
        return None
    return store.get(request_id)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def case_by_uid(uid: str):
    """The case with ``uid``, whoever may view it (never shown as such)."""
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(UID=uid, portal_type="Case"):
        return brain._unrestrictedGetObject()
    return None


# --- who is who ---------------------------------------------------------------


def _current_userid() -> str | None:
    if api.user.is_anonymous():
        return None
    return getSecurityManager().getUser().getId()


def case_roles_of(userid: str | None, case) -> set[str]:
    """The local roles ``userid`` holds on ``case`` itself.

    Not the roles acquired from /cases or held site-wide: a role on the
    case is what makes it the user's case.
    """
    if not userid or case is None:
        return set()
    return set(case.get_local_roles_for_userid(userid))


def enrolling_clinicians(case) -> list[str]:
    """The users holding the local role Owner on ``case`` (accounts only)."""
    found = []
    for userid, roles in case.get_local_roles():
        if OWNER in roles and api.user.get(userid=userid) is not None:
            found.append(userid)
    return sorted(found)


def may_ask(userid: str | None, case) -> bool:
    return bool(case_roles_of(userid, case) & set(REQUESTER_ROLES))


def centre_of(userid: str | None) -> str:
    """The user's centres' names ("" without one).

    Looked up whoever asks (``providers_of`` sees only the providers the
    current user may view): a requester's centre is told to the clinicians
    they ask, whether or not those may open the provider's page.
    """
    user = api.user.get(userid=userid) if userid else None
    if user is None:
        return ""
    groups = {g.getId() for g in api.group.get_groups(user=user)}
    catalog = api.portal.get_tool("portal_catalog")
    names = set()
    for brain in catalog.unrestrictedSearchResults(portal_type="HealthcareProvider"):
        provider = brain._unrestrictedGetObject()
        if provider_group_id(provider) in groups:
            names.add(provider.Title())
    return ", ".join(sorted(names))


def contact(userid: str) -> dict:
    return {
        "name": fullname(userid),
        "email": email_of(userid) or "",
        "centre": centre_of(userid),
    }


# --- sending ------------------------------------------------------------------


def _candidates(case):
    # The cases the ranking may count "elsewhere" for this case, whoever asks.
    return similarity.candidate_uids(case)


def _pending_between(source_uid: str, target_uid: str):
    for stored in _by("source", source_uid):
        if stored["target_uid"] == target_uid and stored["state"] == PENDING:
            return stored
    return None


def send_request(case, token: str, message: str = "") -> PersistentMapping:
    """Ask the enrolling clinicians of the case ``token`` names for contact.

    The current user must hold a case role on ``case`` (their own case).
    The token is resolved among the cases the similarity ranking may name
    from ``case``: a token made for another case (tokens are per pair) or
    invented resolves to nothing and is refused.
    """
    userid = _current_userid()
    if not may_ask(userid, case):
        raise ContactRequestError(
            "case",
            _(
                "Only the enrolling clinician and the panel of this case may ask "
                "for contact about it."
            ),
            "forbidden",
        )
    token = (token or "").strip() if isinstance(token, str) else ""
    if not token:
        raise ContactRequestError(
            "token",
            _(
                'missing. Give one of the tokens listed under "elsewhere" by '
                "${case}/@similar-cases.",
                mapping={"case": case.absolute_url()},
            ),
            web=STALE,
        )
    message = message if isinstance(message, str) else None
    if message is None:
        raise ContactRequestError(
            "message", _("must be text."), web=_("Your message must be text.")
        )
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise ContactRequestError(
            "message",
            _(
                "${length} characters; shorten it to at most ${max}.",
                mapping={"length": len(message), "max": MESSAGE_MAX},
            ),
            web=_(
                "Your message has ${length} characters; shorten it to at most ${max}.",
                mapping={"length": len(message), "max": MESSAGE_MAX},
            ),
        )
    refusal = identifier_refusal("message", message)
    if refusal:
        raise ContactRequestError(
            "message", refusal, web=identifier_refusal(_("Your message"), message)
        )
    target_uid = tokens.resolve(case.UID(), token, _candidates(case))
    target = case_by_uid(target_uid) if target_uid else None
    if target is None or target_uid == case.UID():
        raise ContactRequestError(
            "token",
            _(
                "not a similar case of this case. Take a token from the "
                '"elsewhere" list of ${case}/@similar-cases (a token works '
                "only from the case it was listed for).",
                mapping={"case": case.absolute_url()},
            ),
            web=STALE,
        )
    existing = _pending_between(case.UID(), target_uid)
    if existing is not None:
        raise ContactRequestError(
            "token",
            _(
                "a contact request about this similar case is already waiting "
                "for an answer (sent ${date}); see ${url}.",
                mapping={
                    "date": existing["created"][:10],
                    "url": f"{api.portal.get().absolute_url()}/{PAGE}",
                },
            ),
            "conflict",
            web=_(
                "A request for contact about this similar case is already "
                "waiting for an answer."
            ),
        )
    addressees = enrolling_clinicians(target)
    if not addressees:
        raise ContactRequestError(
            "token",
            _(
                "the similar case has no enrolling clinician to ask at the "
                "moment. Ask the network's coordinators for help."
            ),
            "conflict",
        )
    request_id = secrets.token_urlsafe(12)
    stored = PersistentMapping(
        id=request_id,
        source_uid=case.UID(),
        target_uid=target_uid,
        requester=userid,
        addressees=list(addressees),
        message=message,
        state=PENDING,
        created=_now(),
        decided="",
        decided_by="",
    )
    _add(stored)
    centre = centre_of(userid)
    audit.record(
        case,
        "contact requested",
        f"Contact request {request_id}: asked the clinicians of a similar "
        "case elsewhere in the network for contact.",
    )
    audit.record(
        target,
        "contact requested",
        f"Contact request {request_id}: a clinician of the network"
        + (f" ({centre})" if centre else "")
        + " asks for contact about a similar case.",
        # The asked case's people read its trail: before they accept, it
        # must not name the asker. The asking case's record (same request
        # id) holds who asked.
        actor=ANONYMISED,
        roles=[],
    )
    _mail_addressees(stored, target, centre)
    return stored


def _page_url(request_id: str) -> str:
    return f"{api.portal.get().absolute_url()}/{PAGE}#request-{request_id}"


def _mail_addressees(stored, target, centre: str) -> None:
    for userid in stored["addressees"]:
        address = email_of(userid)
        if not address:
            logger.warning("Contact request %s: %s has no e-mail", stored["id"], userid)
            continue
        say = i18n.translator(i18n.user_language(userid))
        who = (
            say(_("A clinician of the network (${centre})"), centre=centre)
            if centre
            else say(_("A clinician of the network"))
        )
        subject = say(
            _("Request for contact about your case ${case_id}"),
            case_id=target.case_id,
        )
        parts = [
            say(
                _(
                    "${who} asks for contact about a case similar to your "
                    "case ${case_id}."
                ),
                who=who,
                case_id=target.case_id,
            ),
        ]
        if stored["message"]:
            parts.append(say(_("Their message:")) + "\n" + stored["message"])
        parts += [
            say(
                _(
                    "If you accept, you and they see each other's case id and "
                    "contact (name, e-mail, centre). If you decline, they learn "
                    "only that you declined."
                )
            ),
            say(_("Accept or decline: ${url}"), url=_page_url(stored["id"])),
        ]
        mail.send(address, subject, "\n\n".join(parts) + "\n")


# --- deciding -----------------------------------------------------------------


def decide(request_id: str, accept: bool) -> PersistentMapping:
    """The current user, an enrolling clinician of the target case, answers."""
    stored = get(request_id)
    if stored is None:
        raise ContactRequestError(
            "id",
            _(
                "no contact request ${id}. Your requests are listed by GET "
                "@contact-requests.",
                mapping={"id": request_id},
            ),
            "not-found",
            web=_("This contact request does not exist."),
        )
    userid = _current_userid()
    target = case_by_uid(stored["target_uid"])
    if target is None or OWNER not in case_roles_of(userid, target):
        raise ContactRequestError(
            "id",
            _(
                "only the enrolling clinicians of the case this request is "
                "about may answer it."
            ),
            "forbidden",
            web=_(
                "Only the enrolling clinicians of the case this request is about "
                "may answer it."
            ),
        )
    state = ACCEPTED if accept else DECLINED
    if stored["state"] != PENDING:
        if stored["state"] == state:
            return stored
        raise ContactRequestError(
            "id",
            _(
                "this request was already answered (${state}).",
                mapping={"state": stored["state"]},
            ),
            "conflict",
            web=_("This request was already answered."),
        )
    stored["state"] = state
    stored["decided"] = _now()
    stored["decided_by"] = userid
    source = case_by_uid(stored["source_uid"])
    if accept:
        if source is not None:
            audit.record(
                source,
                "contact accepted",
                f"Contact request {request_id} accepted by {fullname(userid)}: "
                f"similar case {target.case_id}.",
                roles=[],
            )
        audit.record(
            target,
            "contact accepted",
            f"Contact request {request_id} accepted: similar case "
            f"{getattr(source, 'case_id', '')}, asked by "
            f"{fullname(stored['requester'])}.",
        )
    else:
        if source is not None:
            audit.record(
                source,
                "contact declined",
                f"Contact request {request_id} declined.",
                # A refusal tells the asker nothing but "declined"; the asked
                # case's record (same request id) holds who declined.
                actor=ANONYMISED,
                roles=[],
            )
        audit.record(
            target, "contact declined", f"Contact request {request_id} declined."
        )
    _mail_requester(stored)
    return stored


def _mail_requester(stored) -> None:
    requester = stored["requester"]
    address = email_of(requester)
    if not address:
        return
    say = i18n.translator(i18n.user_language(requester))
    if stored["state"] == ACCEPTED:
        subject = say(_("Your contact request was accepted"))
        text = say(
            _(
                "The clinicians of the similar case accepted your request for "
                "contact. Their case id and contact: ${url}"
            ),
            url=_page_url(stored["id"]),
        )
    else:
        subject = say(_("Your contact request was declined"))
        text = say(
            _("Your request for contact was declined: ${url}"),
            url=_page_url(stored["id"]),
        )
    mail.send(address, subject, text + "\n")


# --- what each side sees ------------------------------------------------------


def _case_summary(case, with_url: bool) -> dict:
    if case is None:
        return {"case_id": ""}
    summary = {"case_id": case.case_id}
    if with_url:
        summary["url"] = case.absolute_url()
    return summary


class _Lookups:
    """Cases and centres looked up once per listing (many requests name the
    same cases and people)."""

    def __init__(self):
        self.cases, self.centres = {}, {}

    def case(self, uid):
        if uid not in self.cases:
            self.cases[uid] = case_by_uid(uid)
        return self.cases[uid]

    def centre(self, userid):
        if userid not in self.centres:
            self.centres[userid] = centre_of(userid)
        return self.centres[userid]


def view_of(stored, userid: str | None, lookups: _Lookups | None = None) -> dict:
    """What ``userid`` may see of ``stored``: its own side always, the other
    side's case id and contacts only once accepted."""
    lookups = lookups or _Lookups()
    sent = stored["requester"] == userid
    source = lookups.case(stored["source_uid"])
    target = lookups.case(stored["target_uid"])
    accepted = stored["state"] == ACCEPTED
    out = {
        "id": stored["id"],
        "direction": "sent" if sent else "received",
        "state": stored["state"],
        "created": stored["created"],
        "decided": stored["decided"] or None,
        "message": stored["message"],
    }
    if sent:
        out["case"] = _case_summary(source, with_url=True)
        if accepted and target is not None:
            out["other"] = _case_summary(target, with_url=False)
            out["other"]["contacts"] = [
                contact(u) for u in enrolling_clinicians(target)
            ]
    else:
        out["case"] = _case_summary(target, with_url=True)
        out["from"] = {"centre": lookups.centre(stored["requester"])}
        if accepted and source is not None:
            out["other"] = _case_summary(source, with_url=False)
            out["other"]["contacts"] = [contact(stored["requester"])]
    return out


def enrolled_case_uids(userid: str | None) -> list[str]:
    """The cases ``userid`` now enrolled (local role Owner), from the catalog:
    the index ``case_people`` and the metadata ``case_roles``, waking none."""
    if not userid:
        return []
    catalog = api.portal.get_tool("portal_catalog")
    found = []
    for brain in catalog.unrestrictedSearchResults(
        portal_type="Case", case_people=userid
    ):
        roles = dict(getattr(brain, "case_roles", None) or ())
        if OWNER in roles.get(userid, ()):
            found.append(brain.UID)
    return found


def listing(userid: str | None) -> dict:
    """The requests ``userid`` sent and those about the cases they enrolled
    now (one who gave a case away no longer sees its requests), newest
    first."""
    lookups = _Lookups()
    sent = [view_of(stored, userid, lookups) for stored in _by("requester", userid)]
    received = [
        view_of(stored, userid, lookups)
        for uid in enrolled_case_uids(userid)
        for stored in _by("target", uid)
        if stored["requester"] != userid
    ]
    sent.sort(key=lambda r: r["created"], reverse=True)
    received.sort(key=lambda r: r["created"], reverse=True)
    return {"sent": sent, "received": received}
