"""Install and uninstall handlers of the default profile."""

from plone import api
from plone.app.textfield.value import RichTextValue
from Products.CMFPlone.interfaces import INonInstallable
from Products.CMFPlone.interfaces import constrains
from zope.interface import implementer

from cpms import logger
from cpms.cases.setup import setup_cases_folder
from cpms.core import permissions
from cpms.core import roles
from cpms.core.structure import FRONT_PAGE_DESCRIPTION
from cpms.core.structure import FRONT_PAGE_TEXT
from cpms.core.structure import FRONT_PAGE_TITLE
from cpms.core.structure import SECTIONS
from cpms.core.structure import Section
from cpms.identity.setup import setup_identity
from cpms.referrals.setup import setup_referrals


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Only the default profile shows in the add-ons control panel."""
        return ["cpms:uninstall", "cpms:demo"]

    def getNonInstallableProducts(self):
        return []


def post_install(context):
    """Build the site the add-on expects; safe to run again.

    Every run creates what is missing (the sections of ``cpms.core.structure``,
    the referral and helpdesk forms) and re-applies what a profile owns and a
    security or type update could have reset: the sections' add restrictions,
    readers and layouts, who may enrol cases in /cases, the OpenID Connect
    and session settings (from the environment or the registry). What staff
    or operators write is kept: the front page's title, description and text
    (written on a site that has no front-page text yet) and the sender
    address of mails (written when none is set).
    """
    portal = api.portal.get()
    for section in SECTIONS:
        ensure_section(portal, section)
    set_front_page(portal)
    set_mail_defaults()
    # /refer-a-case and /helpdesk forms, /referrals for staff (cpms.referrals).
    setup_referrals(portal)
    # /cases: healthcare professionals list it and enrol cases; staff do not.
    setup_cases_folder(portal)
    # OIDC login, sessions (cpms.identity): settings from env/registry.
    setup_identity(portal)


def ensure_section(portal, section: Section):
    folder = portal.get(section.id)
    if folder is None:
        folder = api.content.create(
            container=portal,
            type="Folder",
            id=section.id,
            title=section.title,
            description=section.description,
        )
        if section.public:
            api.content.transition(obj=folder, to_state="published")
        logger.info("Created /%s", section.id)
    # Add restrictions are re-applied on every run so that new types reach
    # existing sites through an upgrade step that re-runs this handler.
    # Types from an add-on that is not installed (yet) are skipped.
    types_tool = api.portal.get_tool("portal_types")
    allowed = [t for t in section.allowed_types if t in types_tool.objectIds()]
    behavior = constrains.ISelectableConstrainTypes(folder)
    behavior.setConstrainTypesMode(constrains.ENABLED)
    # Plone checks the *current* user's add permissions here; the profile may
    # be re-run by a site administrator who cannot add clinical types.
    with api.env.adopt_roles([roles.MANAGER]):
        behavior.setLocallyAllowedTypes(allowed)
        behavior.setImmediatelyAddableTypes(allowed)
    if section.layout:
        folder.setLayout(section.layout)
    if section.readers:
        # Re-applied on every run: a security update of the folder's
        # workflow resets them.
        for permission in (
            permissions.VIEW,
            permissions.ACCESS_CONTENTS_INFORMATION,
            permissions.LIST_FOLDER_CONTENTS,
        ):
            folder.manage_permission(
                permission, roles=list(section.readers), acquire=False
            )
        folder.reindexObjectSecurity()
    # Sections are the main navigation. Stored explicitly: during install the
    # behaviour default is not seen by the catalog, which then leaves the
    # folder out of the navigation.
    if "exclude_from_nav" not in folder.__dict__:
        folder.exclude_from_nav = False
        folder.reindexObject()
    if section.editors_add:
        # Acquired roles stay; Editor is added (Plone's role map gives "Add
        # portal content" to Owner and Contributor only).
        folder.manage_permission(
            permissions.ADD_PORTAL_CONTENT,
            roles=[
                roles.MANAGER,
                roles.SITE_ADMINISTRATOR,
                roles.OWNER,
                roles.CONTRIBUTOR,
                roles.EDITOR,
            ],
            acquire=True,
        )
    return folder


def set_front_page(portal):
    """The portal's front page: its view always, its words only once.

    Staff edit the site root's title, description and text; an upgrade or a
    site administrator re-running the profile must not undo that. So the
    words are written only while the front page has no text (a new site, or
    staff emptied it to get the portal's own words back).
    """
    portal.setLayout("cpms-front-page")
    if not _front_page_text(portal):
        portal.title = FRONT_PAGE_TITLE
        portal.description = FRONT_PAGE_DESCRIPTION
        portal.text = RichTextValue(FRONT_PAGE_TEXT, "text/html", "text/x-html-safe")
        api.portal.set_registry_record("plone.site_title", FRONT_PAGE_TITLE)
    portal.reindexObject()


def _front_page_text(portal) -> str:
    text = getattr(portal, "text", None)
    return (getattr(text, "raw", None) or "").strip()


def set_mail_defaults():
    """A sender address, so notifications work before an operator sets one.

    Operators set the real address in the mail control panel; it is kept.
    """
    if not api.portal.get_registry_record("plone.email_from_address", default=""):
        api.portal.set_registry_record(
            "plone.email_from_address", "noreply@cpms.example.org"
        )
    if not api.portal.get_registry_record("plone.email_from_name", default=""):
        api.portal.set_registry_record("plone.email_from_name", "CPMS portal")


def uninstall(context):
    """Content stays: a clinical portal never deletes data on uninstall."""
