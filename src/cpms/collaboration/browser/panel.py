"""@@panel on a case: who is on it, and assembling it without Plone's Sharing tab.

Everyone who may see the case sees the list of people. Who may change it:

- appoint the lead: "cpms: Assign Panel Lead" (coordinators);
- invite members one by one (searched by name, centre and expertise area)
  or a whole expertise area, remove members: "cpms: Manage Panel"
  (coordinators and the case's lead);
- add a guest clinician with an end date, change that date, end it:
  "cpms: Manage Panel" and "cpms: Assign Guest Clinician".

Each change mails the person (the events of cpms.collaboration.events and
cpms.identity.events; notifications subscribe). After a change the page
redirects to itself (a reload never repeats it); a refused change shows why,
at the top and beside its form, and keeps what was typed.
"""

from datetime import date

from plone import api
from plone.memoize.view import memoize
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from zExceptions import Forbidden
from zope.i18n import translate

from cpms import _
from cpms.cases import states
from cpms.collaboration import panel as panel_api
from cpms.core import i18n
from cpms.core.permissions import ASSIGN_GUEST_CLINICIAN
from cpms.core.permissions import ASSIGN_PANEL_LEAD
from cpms.core.permissions import MANAGE_GUEST_ACCESS
from cpms.core.permissions import MANAGE_PANEL
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import OWNER
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.core.users import fullname
from cpms.identity import experts
from cpms.identity import guests

# The invitation form's fields as its labels say them.
EXTERNAL_FIELDS = {
    "email": _("E-mail address"),
    "fullname": _("Full name"),
    "network": _("Their network (name or acronym)"),
    "until": _("Access until"),
}


def _date_of(iso: str | None) -> str:
    return iso[:10] if iso else ""


def _readable(iso: str | None, language: str = "en") -> str:
    return i18n.format_date(date.fromisoformat(iso[:10]), language) if iso else ""


class PanelView(BrowserView):
    # form name of each action -> the method doing it
    ACTIONS = {
        "appoint_lead": "_appoint_lead",
        "invite": "_invite",
        "invite_area": "_invite_area",
        "assemble": "_assemble",
        "add_guest": "_add_guest",
        "invite_external": "_invite_external",
        "change_guest": "_change_guest",
        "remove": "_remove",
    }

    error = ""  # the refusal of this request, shown at the top
    error_for = ""  # which form it belongs to (an action name)

    # --- who may do what --------------------------------------------------

    def _may(self, permission) -> bool:
        return bool(api.user.has_permission(permission, obj=self.context))

    def locked(self) -> bool:
        """Withdrawn or archived: people may leave the panel, none join."""
        return panel_api.is_locked(self.context)

    def state_title(self) -> str:
        state = api.content.get_state(obj=self.context, default="")
        wf = api.portal.get_tool("portal_workflow")
        title = wf.getTitleForStateOnType(state, self.context.portal_type)
        return self._t(i18n.as_message(title)).lower()

    def _t(self, msg) -> str:
        """``msg`` in the reader's language (messages are joined as text)."""
        return translate(msg, context=self.request)

    def no_centre(self) -> str:
        return self._t(_("No centre"))

    def can_manage(self) -> bool:
        return self._may(MANAGE_PANEL)

    def can_invite(self) -> bool:
        return self.can_manage() and not self.locked()

    def can_appoint_lead(self) -> bool:
        return self._may(ASSIGN_PANEL_LEAD) and not self.locked()

    def can_add_guests(self) -> bool:
        return (
            self.can_manage()
            and self._may(ASSIGN_GUEST_CLINICIAN)
            and not self.locked()
        )

    def can_invite_external(self) -> bool:
        """Coordinators invite experts of other networks (and end their access)."""
        return self._may(MANAGE_GUEST_ACCESS) and not self.locked()

    def can_change_anything(self) -> bool:
        return self.can_manage() or self._may(ASSIGN_PANEL_LEAD)

    def _allowed(self, action) -> bool:
        if action == "appoint_lead":
            return self.can_appoint_lead()
        if action in ("add_guest", "change_guest"):
            return self.can_add_guests()
        if action == "invite_external":
            return self.can_invite_external()
        if action == "remove":
            return self.can_change_anything()
        return self.can_invite()

    # --- what the page shows ----------------------------------------------

    def case_label(self) -> str:
        nickname = getattr(self.context, "nickname", None)
        title = self.context.Title()
        return f"{title} ({nickname})" if nickname else title

    @memoize
    def people(self) -> list[dict]:
        rows = []
        language = i18n.request_language(self.request)
        for person in panel_api.panel(self.context):
            roles = set(person["roles"])
            external = bool(person.get("network"))
            if external:
                # The grant's end is part of the role's words.
                person = person | {
                    "labels": [
                        panel_api.external_label(
                            person["network"],
                            _readable(person["until"], language),
                            language,
                        )
                    ]
                }
            removable = (
                (external and self._may(MANAGE_GUEST_ACCESS))
                or (not external and PANEL_MEMBER in roles and self.can_manage())
                or (PANEL_LEAD in roles and self._may(ASSIGN_PANEL_LEAD))
                or (
                    GUEST_CLINICIAN in roles
                    and self.can_manage()
                    and self._may(ASSIGN_GUEST_CLINICIAN)
                )
            ) and OWNER not in roles
            rows.append(
                person
                | {
                    "role_text": ", ".join(
                        self._t(label) for label in person["labels"]
                    ),
                    "until_date": _date_of(person["until"]),
                    "until_text": ""
                    if external
                    else _readable(person["until"], language),
                    "can_remove": removable,
                    "can_make_lead": not external
                    and PANEL_MEMBER in roles
                    and PANEL_LEAD not in roles
                    and self.can_appoint_lead(),
                    "can_change_until": GUEST_CLINICIAN in roles
                    and bool(person["until"])
                    and self.can_add_guests(),
                }
            )
        return rows

    def lead_names(self) -> str:
        return ", ".join(
            p["fullname"] for p in self.people() if PANEL_LEAD in p["roles"]
        )

    def areas(self) -> list[dict]:
        # Every area, published or not: its name is no secret, and inviting
        # its experts must not depend on the network pages' publication.
        return [
            {"uid": b.UID, "title": b.Title}
            for b in api.content.find(
                portal_type="ExpertiseArea", sort_on="sortable_title", unrestricted=True
            )
        ]

    def case_area(self) -> str:
        """The UID of the case's own expertise area (the group default)."""
        return getattr(self.context, "expertise_area", None) or ""

    def centres(self) -> list[dict]:
        return list(panel_api.centres().values())

    def searched(self) -> bool:
        form = self.request.form
        return any(form.get(k) for k in ("q", "centre", "area", "search"))

    def results(self) -> list[dict]:
        if not self.searched():
            return []
        form = self.request.form
        try:
            return panel_api.candidates(
                self.context,
                text=form.get("q", ""),
                centre=form.get("centre", ""),
                area=form.get("area", ""),
            )
        except panel_api.PanelError:
            return []

    @memoize
    def suggested(self) -> list[dict]:
        """The experts of the case's expertise area and of its centre who are
        not on the panel yet: listed without a search, so the panel is
        assembled (several invited, one made lead) in one submission.
        After a search the page shows what was searched for instead."""
        if not self.can_invite() or self.searched():
            return []
        found = {}
        centre = getattr(self.context, "referring_hcp", None) or ""
        for kwargs in ({"area": self.case_area()}, {"centre": centre}):
            if not next(iter(kwargs.values())):
                continue
            try:
                for person in panel_api.candidates(self.context, **kwargs):
                    found.setdefault(person["userid"], person)
            except panel_api.PanelError:
                continue
        return sorted(
            found.values(), key=lambda c: (c["fullname"].lower(), c["userid"])
        )

    # Beyond this many, the other professionals are found with the search.
    LISTED_OTHERS = 40

    @memoize
    def others(self) -> list[dict]:
        """The network's other healthcare professionals not on the panel, in
        the same form (folded), while the network is small enough to list."""
        if not self.can_invite() or self.searched():
            return []
        suggested = {p["userid"] for p in self.suggested()}
        found = [
            p
            for p in panel_api.candidates(self.context)
            if p["userid"] not in suggested
        ]
        return found if len(found) <= self.LISTED_OTHERS else []

    def can_open_panel(self) -> bool:
        workflow = api.portal.get_tool("portal_workflow")
        transitions = workflow.getTransitionsFor(self.context)
        return states.OPEN_PANEL in {t["id"] for t in transitions}

    def default_until(self) -> str:
        return guests.default_until().date().isoformat()

    def default_external_until(self) -> str:
        return experts.default_until().date().isoformat()

    def value(self, name, default=""):
        """What the user typed, kept when a change is refused."""
        return self.request.form.get(name, default)

    # --- the changes --------------------------------------------------------

    def _appoint_lead(self, form) -> str:
        userid = form.get("userid", "")
        previous = panel_api.appoint_lead(self.context, userid)
        name = fullname(userid)
        if previous:
            former = ", ".join(fullname(u) for u in previous)
            return self._t(
                _(
                    "${name} now leads the panel; ${former} stays on it as a "
                    "member. Both were told by mail.",
                    mapping={"name": name, "former": former},
                )
            )
        return self._t(
            _(
                "${name} now leads the panel and was told by mail.",
                mapping={"name": name},
            )
        )

    def _invited(self, added, already=None) -> str:
        if not added:
            return self._t(already or _("They are already on the panel."))
        names = ", ".join(fullname(u) for u in added)
        return self._t(
            _(
                "${count} expert(s) invited. Each was told by mail: ${names}.",
                mapping={"count": len(added), "names": names},
            )
        )

    def _invite(self, form) -> str:
        # One person from the search results (userid), or several (userids).
        userids = form.get("userids") or form.get("userid") or []
        if isinstance(userids, str):
            userids = [userids]
        if not userids:
            raise panel_api.PanelError(
                self._t(_("Choose a person from the search results."))
            )
        for userid in userids:
            panel_api.check_professional(userid)
        return self._invited(panel_api.invite(self.context, userids))

    def _assemble(self, form) -> str:
        """Invite the ticked experts and appoint the chosen lead at once."""
        userids = form.get("userids") or []
        if isinstance(userids, str):
            userids = [userids]
        lead = form.get("lead") or ""
        if lead and not self.can_appoint_lead():
            raise Forbidden(self._t(_("You may not appoint the panel's lead.")))
        if not userids and not lead:
            raise panel_api.PanelError(
                self._t(_("Tick the experts to invite, or choose the panel's lead."))
            )
        members = [u for u in userids if u != lead]
        for userid in [*members, *([lead] if lead else [])]:
            panel_api.check_professional(userid)
        said = []
        if members:
            said.append(self._invited(panel_api.invite(self.context, members)))
        if lead:
            said.append(self._appoint_lead({"userid": lead}))
        return " ".join(said)

    def _invite_area(self, form) -> str:
        area = panel_api.find_area(form.get("expertise_area", ""))
        try:
            added = panel_api.invite_area(self.context, area)
        except panel_api.PanelError:
            raise panel_api.PanelError(
                self._t(
                    _(
                        "No healthcare professional of the network covers ${area}.",
                        mapping={"area": area.Title()},
                    )
                )
            ) from None
        return self._invited(
            added,
            _(
                "Every expert of ${area} is already on the panel.",
                mapping={"area": area.Title()},
            ),
        )

    def _add_guest(self, form) -> str:
        userid = panel_api.find_user(form.get("guest", ""))
        grant = panel_api.add_guest(self.context, userid, form.get("until", ""))
        return self._t(
            _(
                "${name} may work on this case as a guest clinician until "
                "${date}, and was told by mail.",
                mapping={"name": fullname(userid), "date": self._day(grant.until)},
            )
        )

    def _change_guest(self, form) -> str:
        userid = form.get("userid", "")
        grant = panel_api.change_guest_end(self.context, userid, form.get("until", ""))
        return self._t(
            _(
                "The guest access of ${name} now ends on ${date}; they were told "
                "by mail.",
                mapping={"name": fullname(userid), "date": self._day(grant.until)},
            )
        )

    def _invite_external(self, form) -> str:
        try:
            grant = experts.invite(
                self.context,
                form.get("email", ""),
                form.get("fullname", ""),
                form.get("network", ""),
                form.get("expert_until", ""),
            )
        except experts.GuestAccessError as error:
            raise panel_api.PanelError(
                self._t(
                    _(
                        "${field}: ${problem}",
                        mapping={
                            "field": self._t(
                                EXTERNAL_FIELDS.get(error.field, error.field)
                            ),
                            "problem": str(error),
                        },
                    )
                )
            ) from None
        if grant.pending:
            return self._t(
                _(
                    "${name} (${network}) was invited by mail: their access opens "
                    "at their first sign-in with ${email} and lasts until ${date}.",
                    mapping={
                        "name": grant.fullname,
                        "network": grant.network,
                        "email": grant.email,
                        "date": self._day(grant.until),
                    },
                )
            )
        return self._t(
            _(
                "${name} (${network}) is on the panel as an external expert until "
                "${date}, and was told by mail.",
                mapping={
                    "name": grant.fullname,
                    "network": grant.network,
                    "date": self._day(grant.until),
                },
            )
        )

    def _day(self, value) -> str:
        return i18n.format_date(value, i18n.request_language(self.request))

    def _remove(self, form) -> str:
        userid = form.get("userid", "")
        external = {g.userid for g in experts.experts_on(self.context)}
        if userid in external and not self._may(MANAGE_GUEST_ACCESS):
            raise Forbidden(self._t(_("You may not change this panel.")))
        message = panel_api.remove_person(self.context, form.get("userid", ""))
        return f"{message} " + self._t(_("They were told by mail."))

    @staticmethod
    def _action(form) -> str:
        """The form's ``action``; forms without one (scripts written for the
        first version of this page) are read by their fields."""
        if form.get("action"):
            return form["action"]
        if form.get("remove"):
            form["userid"] = form["remove"]
            return "remove"
        if form.get("expertise_area"):
            return "invite_area"
        if form.get("userids"):
            return "invite"
        return ""

    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            action = self._action(self.request.form)
            if action not in self.ACTIONS:
                self.error = self._t(_("Choose what to change on the panel."))
            elif not self._allowed(action):
                raise Forbidden(self._t(_("You may not change this panel.")))
            else:
                try:
                    message = getattr(self, self.ACTIONS[action])(self.request.form)
                except panel_api.PanelError as error:
                    self.error = str(error)
                    self.error_for = action
                else:
                    api.portal.show_message(message, self.request)
                    return self.request.response.redirect(
                        f"{self.context.absolute_url()}/@@panel"
                    )
        return self.index()
