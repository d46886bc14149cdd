"""Guest grants in the catalog's security index, each with its end.

Plone filters every catalog search (``searchResults``, ``search``, so
``@search``, ``@querystring-search``, the Catalog vocabularies, collections,
feeds, the sitemap, the dashboard's portlets, author pages) by one index,
``allowedRolesAndUsers``: an object lists the roles and ``user:<id>`` tokens
that may see it, the query lists those of the asking user. The object's list
is written when it is (re)indexed; a guest grant ends at a moment, when
nothing reindexes anything. Indexed as ``user:<guest>``, an ended grant kept
the case in the guest's searches until some job reindexed the case, and a
missed job made that "never".

So a guest grant is never indexed as ``user:<guest>``. It is indexed as
``guest:<userid>:<end>`` (the end in UTC to the microsecond, at a fixed
width), and the query side adds to the asking user's tokens those of their
grants whose end is still ahead, read from the index itself
(``live_guest_tokens``). When the end passes, the token is no longer asked
for: the case and its items leave every search and listing at that instant,
with no job and no reindex, exactly when ``GuestRoleProvider`` stops giving
the role. Nothing has to be kept in step: the index is the only record the
query reads, and granting, extending or revoking a grant reindexes the case's
security in the same transaction (``cpms.identity.guests``), so a revoked
guest, like a member removed from a panel, is gone from the index at commit.

An expert of another network (``cpms.identity.experts``: ``Panel Member``
on one case until a date) is the same kind of grant and gets the same kind
of token: the token says "this user, until then", whichever role the grant
gives.

Why not a catalog query filter on a separate ``guest_until`` index: the
catalog ANDs its indexes, and a guest needs "allowed by a role OR by a live
grant"; only the security index's own OR (any token matches) says that
without a second query or a patched ``ZCatalog``.
"""

from datetime import UTC
from datetime import datetime

from AccessControl.PermissionRole import rolesForPermissionOn
from plone import api
from plone.indexer import indexer
from Products.CMFCore.utils import getToolByName
from Products.CMFPlone.CatalogTool import allowedRolesAndUsers as plone_indexer

from cpms.cases.content.case import ICase
from cpms.cases.interfaces import ICaseItem
from cpms.cases.utils import find_case
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import PANEL_MEMBER
from cpms.identity import experts
from cpms.identity import guests

INDEX = "allowedRolesAndUsers"
SEE = "Access contents information"  # what Plone's own indexer asks for
PREFIX = "guest:"
# Fixed width, so that tokens compare as their moments do and a user id
# holding a colon cannot pass for another user's token.
END_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
END_WIDTH = len(datetime(2000, 1, 1, tzinfo=UTC).strftime(END_FORMAT))


def guest_token(userid: str, until: datetime) -> str:
    """The security token of ``userid``'s grant that ends at ``until``."""
    return f"{PREFIX}{userid}:{until.astimezone(UTC).strftime(END_FORMAT)}"


def live_guest_tokens(catalog, userid: str, moment: datetime | None = None):
    """The tokens of ``userid``'s grants that are live at ``moment`` (now).

    Read from the index: its keys are a sorted tree, so this is one range
    lookup, whatever the number of cases and grants.
    """
    index = catalog._catalog.indexes.get(INDEX)
    if index is None or not userid:
        return []
    prefix = f"{PREFIX}{userid}:"
    now = (moment or guests.now()).astimezone(UTC).strftime(END_FORMAT)
    # KeywordIndex keeps token -> documents in an OOBTree (``_index``).
    keys = index._index.keys(min=prefix, max=prefix + "\uffff")
    return [
        key
        for key in keys
        if len(key) == len(prefix) + END_WIDTH and key[len(prefix) :] > now
    ]


def guest_tokens_of(userid: str) -> list[str]:
    """The asking user's live guest tokens, for code that queries the
    security index itself (unrestricted searches such as "My cases")."""
    return live_guest_tokens(api.portal.get_tool("portal_catalog"), userid)


def list_allowed_roles_and_users(self, user):
    """CatalogTool._listAllowedRolesAndUsers, plus the user's live grants."""
    result = self._old__listAllowedRolesAndUsers(user)
    if result == ["Anonymous"]:
        return result
    tokens = live_guest_tokens(self, user.getId())
    return [*result, *tokens] if tokens else result


@indexer(ICase)
def case_allowed_roles_and_users(obj):
    return _allowed_roles_and_users(obj)


@indexer(ICaseItem)
def item_allowed_roles_and_users(obj):
    return _allowed_roles_and_users(obj)


def _allowed_roles_and_users(obj):
    """Plone's security tokens, guest grants as ``guest:`` tokens instead."""
    allowed = plone_indexer.callable(obj)
    case = find_case(obj)
    # Time-limited grants: guests (Guest Clinician) and experts of other
    # networks (Panel Member, cpms.identity.experts) end the same way.
    grants = (
        [(g.userid, g.until, GUEST_CLINICIAN) for g in guests.grants_on(case)]
        + [(g.userid, g.until, PANEL_MEMBER) for g in experts.experts_on(case)]
        if case is not None
        else []
    )
    if not grants or {"Anonymous", "Authenticated"} & set(allowed):
        return allowed
    may_see = set(rolesForPermissionOn(SEE, obj))
    # Every provider's local roles (stored ones and live grants), as Plone's
    # indexer reads them.
    held = getToolByName(obj, "acl_users")._getAllLocalRoles(obj)
    stored = {userid: set(roles) for userid, roles in case.get_local_roles()}
    by_grant = {}
    for userid, _until, role in grants:
        by_grant.setdefault(userid, set()).add(role)
    allowed = set(allowed)
    for userid, until, role in grants:
        # A guest or expert who also holds a stored role that shows the
        # object (a panel member invited as a guest too) keeps their user
        # token; the roles their grants give do not keep it.
        granted = by_grant[userid]
        other = (set(held.get(userid, ())) - granted) | (
            stored.get(userid, set()) & granted
        )
        if not other & may_see:
            allowed.discard(f"user:{userid}")
        if role in may_see:
            allowed.add(guest_token(userid, until))
    return sorted(allowed)
