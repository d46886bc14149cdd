"""Identity pages: request access, the coordinators' queue, guest grants,
the OIDC login button and the logout that also ends the provider's session."""

from datetime import date
from html import escape

from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.base.interfaces import IRedirectAfterLogin
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from zExceptions import Forbidden
from zExceptions import NotFound
from zope.i18n import translate
from zope.interface import implementer

from cpms import _
from cpms.core import i18n
from cpms.core import permissions
from cpms.core import roles
from cpms.core.users import email_of
from cpms.core.users import fullname
from cpms.identity import guests
from cpms.identity import oidc
from cpms.identity import states
from cpms.identity.access_requests import CLINICAL_ROLES
from cpms.identity.access_requests import AccessRequestError
from cpms.identity.access_requests import create_access_request
from cpms.identity.access_requests import pending_requests
from cpms.identity.access_requests import requests_of
from cpms.identity.content.access_request import EU_EEA
from cpms.identity.content.access_request import PROFILES
from cpms.identity.content.access_request import country_code
from cpms.identity.setup import OIDC_LOGIN_COOKIE

STATE_TITLES = {
    states.PENDING: _("Pending"),
    states.APPROVED: _("Approved"),
    states.REJECTED: _("Rejected"),
}


def state_title(state: str):
    return STATE_TITLES.get(state, state)


def _day(value, request) -> str:
    """A date in the reader's language (Zope DateTime or datetime)."""
    value = value.asdatetime() if hasattr(value, "asdatetime") else value
    return i18n.format_date(value, i18n.request_language(request))


def _moment(value, request) -> str:
    value = value.asdatetime() if hasattr(value, "asdatetime") else value
    return i18n.format_datetime(value, i18n.request_language(request), "short")


def _portal_url():
    return api.portal.get().absolute_url()


def has_clinical_access(user) -> bool:
    roles = set(api.user.get_roles(user=user))
    return bool(roles & CLINICAL_ROLES) or bool(guests.live_grants(user.getId()))


class IdentityHelper(BrowserView):
    """``@@cpms-identity``: small helpers for templates and action expressions."""

    def oidc_enabled(self):
        return oidc.is_configured()

    def oidc_label(self):
        return oidc.login_label()

    def oidc_login_url(self):
        return oidc.login_url(self.request.get("came_from", ""))


class OIDCLoginViewlet(ViewletBase):
    """The "Log in with EU Login" button above the login form."""

    def available(self):
        return (
            api.user.is_anonymous()
            and getattr(self.view, "__name__", "") in ("login", "login_form")
            and oidc.is_configured()
        )

    def render(self):
        if not self.available():
            return ""
        url = escape(oidc.login_url(self.request.get("came_from", "")))
        label = escape(oidc.login_label())
        return (
            '<div class="cpms-oidc-login mb-4">'
            f'<a class="btn btn-primary btn-lg" id="cpms-oidc-login" href="{url}">'
            f"{label}</a>"
            '<p class="form-text">'
            + escape(
                translate(
                    _(
                        "Healthcare professionals of the network log in here. "
                        "The form below is for site administrators."
                    ),
                    context=self.request,
                )
            )
            + "</p></div>"
        )


def works_on_cases(user) -> bool:
    """Healthcare professionals and live guests: their home is My cases."""
    held = set(api.user.get_roles(user=user))
    return roles.HEALTHCARE_PROFESSIONAL in held or bool(
        guests.live_grants(user.getId())
    )


def landing_url(user, came_from="") -> str:
    """Where ``user`` goes after logging in.

    A page they were sent to log in for (``came_from`` in the portal) comes
    first; from the front page or the login page itself, people who work on
    cases land on My cases, with its "New case" button, and everyone else on
    the front page.
    """
    portal = _portal_url()
    portal_url = api.portal.get_tool("portal_url")
    bare = (came_from or "").split("?", 1)[0].split("#", 1)[0].rstrip("/")
    landing_pages = {portal, f"{portal}/login", f"{portal}/login_form"}
    if came_from and portal_url.isURLInPortal(came_from) and bare not in landing_pages:
        return came_from
    if works_on_cases(user):
        return f"{portal}/@@my-cases"
    return portal


@implementer(IRedirectAfterLogin)
class RedirectAfterLogin:
    """Plone's login form: people who work on cases land on My cases."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self, came_from=None, is_initial_login=False):
        user = api.user.get_current()
        if user is None or api.user.is_anonymous():
            return came_from
        return landing_url(user, came_from or "")


class AfterLoginView(BrowserView):
    """Where the provider's callback lands: new members go to Request access,
    people who work on cases to My cases (``landing_url``)."""

    def __call__(self):
        if api.user.is_anonymous():
            return self.request.response.redirect(f"{_portal_url()}/login")
        user = api.user.get_current()
        if not has_clinical_access(user):
            target = f"{_portal_url()}/@@request-access"
        else:
            target = landing_url(user, self.request.get("came_from", ""))
        return self.request.response.redirect(target)


class LogoutView(BrowserView):
    """``@@cpms-logout``: the Plone logout, then the provider's end_session."""

    def __call__(self):
        via_oidc = bool(self.request.cookies.get(OIDC_LOGIN_COOKIE))
        api.portal.get_tool("portal_membership").logoutUser(self.request)
        self.request.response.expireCookie(OIDC_LOGIN_COOKIE, path="/")
        if via_oidc and oidc.is_configured():
            # The plugin's view redirects to the provider's end_session
            # endpoint, which sends the browser back to the portal.
            target = f"{_portal_url()}/acl_users/{oidc.PLUGIN_ID}/logout"
        else:
            target = f"{_portal_url()}/logged-out"
        return self.request.response.redirect(target)


def provider_options():
    """Member providers of /network, with whether they may be chosen."""
    catalog = api.portal.get_tool("portal_catalog")
    options = []
    for brain in catalog.unrestrictedSearchResults(
        portal_type="HealthcareProvider", sort_on="sortable_title"
    ):
        obj = brain._unrestrictedGetObject()
        code = country_code(getattr(obj, "country", ""))
        options.append(
            {
                "uid": brain.UID,
                "title": brain.Title,
                "country": code,
                "eligible": code in EU_EEA,
            }
        )
    return options


class RequestAccessView(BrowserView):
    """``@@request-access``: a member asks for a profile at a provider."""

    errors: dict = {}

    def __call__(self):
        if api.user.is_anonymous():
            return self.request.response.redirect(
                f"{_portal_url()}/login?came_from={_portal_url()}/@@request-access"
            )
        self.errors = {}
        if self.request.method == "POST" and self.request.form.get("submit"):
            CheckAuthenticator(self.request)
            form = self.request.form
            try:
                create_access_request(
                    {
                        "healthcare_provider": form.get("healthcare_provider", ""),
                        "profile": form.get("profile", ""),
                        "justification": form.get("justification", ""),
                    }
                )
            except AccessRequestError as exc:
                self.errors = exc.errors
                api.portal.show_message(
                    _("Please correct the indicated errors."), self.request, "error"
                )
            else:
                api.portal.show_message(
                    _(
                        "Your request was sent. A coordinator will review it; "
                        "you will get an email with the decision."
                    ),
                    self.request,
                )
                return self.request.response.redirect(self.request.URL)
        return self.index()

    def providers(self):
        return provider_options()

    def profiles(self):
        return [{"value": k, "title": v[0]} for k, v in PROFILES.items()]

    def has_access(self):
        return has_clinical_access(api.user.get_current())

    def my_requests(self):
        result = []
        for obj in requests_of(api.user.get_current().getId()):
            result.append(
                {
                    "title": obj.Title(),
                    "url": obj.absolute_url(),
                    "state": api.content.get_state(obj),
                    "state_title": state_title(api.content.get_state(obj)),
                    "message": obj.decision_message,
                    "created": _day(obj.created(), self.request),
                }
            )
        return result

    def has_pending(self):
        return any(r["state"] == states.PENDING for r in self.my_requests())


class AccessRequestQueueView(BrowserView):
    """``@@access-requests-queue``: coordinators approve or reject."""

    errors: dict = {}

    def __call__(self):
        self.errors = {}
        form = self.request.form
        if self.request.method == "POST" and form.get("uid"):
            CheckAuthenticator(self.request)
            self.decide(form)
            if not self.errors:
                return self.request.response.redirect(self.request.URL)
        return self.index()

    def decide(self, form):
        action = form.get("action")
        message = (form.get("message") or "").strip()
        obj = api.content.get(UID=form["uid"])
        if obj is None or obj.portal_type != "AccessRequest":
            raise NotFound(_("No such access request"))
        if action not in (states.APPROVE, states.REJECT):
            raise Forbidden(_("Unknown decision"))
        if action == states.REJECT and not message:
            self.errors[form["uid"]] = _("Say why the request is rejected.")
            return
        api.content.transition(obj=obj, transition=action, comment=message)
        done = (
            _("${title}: approved.", mapping={"title": obj.Title()})
            if action == states.APPROVE
            else _("${title}: rejected.", mapping={"title": obj.Title()})
        )
        api.portal.show_message(done, self.request)

    def pending(self):
        result = []
        for obj in pending_requests():
            result.append(
                {
                    "uid": obj.UID(),
                    "title": obj.Title(),
                    "url": obj.absolute_url(),
                    "requester": obj.requester,
                    "email": email_of(obj.requester) or "",
                    "provider": obj.provider_title(),
                    "profile": obj.profile_label(),
                    "justification": obj.justification,
                    "created": _moment(obj.created(), self.request),
                }
            )
        return result


class GuestAccessView(BrowserView):
    """``@@guest-access``: coordinators grant, extend, revoke; live grants."""

    errors: dict = {}

    def __call__(self):
        self.errors = {}
        form = self.request.form
        if self.request.method == "POST" and form.get("action"):
            CheckAuthenticator(self.request)
            try:
                self.act(form)
            except guests.GuestAccessError as exc:
                self.errors[exc.field] = str(exc)
                api.portal.show_message(str(exc), self.request, "error")
            else:
                return self.request.response.redirect(self.request.URL)
        return self.index()

    def act(self, form):
        action = form["action"]
        case = guests.find_case(form.get("case"))
        userid = (form.get("user") or "").strip()
        until = (form.get("until") or "").strip() or None
        if action == "grant":
            guests.grant_guest_access(case, userid, until)
            api.portal.show_message(
                _(
                    "${user} may work on ${case}.",
                    mapping={"user": userid, "case": case.Title()},
                ),
                self.request,
            )
        elif action == "extend":
            if not until:
                raise guests.GuestAccessError(
                    "until",
                    translate(_("Give the new end date."), context=self.request),
                )
            guests.extend_guest_access(case, userid, until)
            api.portal.show_message(_("Guest access extended."), self.request)
        elif action == "revoke":
            guests.revoke_guest_access(case, userid)
            api.portal.show_message(_("Guest access revoked."), self.request)
        else:
            raise guests.GuestAccessError(
                "action",
                translate(
                    _("Unknown action ${action}.", mapping={"action": repr(action)}),
                    context=self.request,
                ),
            )

    def grants(self):
        return guests.live_grants()

    def default_until(self):
        return guests.default_until().date().isoformat()

    def today(self):
        return date.today().isoformat()


class AccessRequestView(BrowserView):
    """The default view of an AccessRequest: names, not UIDs."""

    def info(self):
        context = self.context
        name = fullname(context.requester)
        state = api.content.get_state(context)
        return {
            "state": state,
            "state_title": state_title(state),
            "requester": f"{name} ({context.requester})"
            if name != context.requester
            else context.requester,
            "provider": context.provider_title(),
            "profile": context.profile_label(),
            "can_review": state == states.PENDING
            and api.user.has_permission(
                permissions.REVIEW_ACCESS_REQUESTS, obj=context
            ),
        }
