"""The site structure: the top-level folders the default profile creates.

One entry per folder: its id, title, description, which content types may be
added in it, and whether it starts published (public) or private.  A new
type that belongs in a section joins its ``allowed_types`` here;
``setuphandlers`` applies the whole declaration on every run of the profile.
"""

from dataclasses import dataclass
from dataclasses import field

from cpms.core import roles


def _(text: str) -> str:
    """Marks ``text`` for the catalogue (``make i18n``) and leaves it plain.

    These words are stored as the sections' titles and the front page's
    texts; the pages translate them where they show them (the front page,
    the navigation), so a reader sees them in their language.
    """
    return text


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str
    allowed_types: tuple[str, ...] = field(default_factory=tuple)
    public: bool = True
    # The browser view shown as the folder's page (its layout), if not the
    # default listing.
    layout: str = ""
    # Network staff (the site-wide Editor role) may add the allowed types here;
    # Plone gives Editors no "Add portal content" of their own.
    editors_add: bool = False
    # Private sections: the roles that may see and list the folder itself
    # (its items keep their own workflow). Empty: as the folder's workflow says.
    readers: tuple[str, ...] = ()


SECTIONS: tuple[Section, ...] = (
    Section(
        "network",
        _("The network"),
        _(
            "Member healthcare providers and the expertise areas of the network, "
            "grouped in workstreams."
        ),
        ("HealthcareProvider", "ExpertiseArea"),
        layout="cpms-network",
    ),
    Section(
        "guides",
        _("Guides"),
        _("Step-by-step guides to using the portal: access, panels, meetings."),
        ("Guide",),
        layout="cpms-guides",
        editors_add=True,
    ),
    Section(
        "common-problems",
        _("Common problems"),
        _(
            "Answers to the questions users ask most: EU Login, access, browsers, "
            "video meetings, cases."
        ),
        ("FAQEntry",),
        layout="cpms-common-problems",
        editors_add=True,
    ),
    Section(
        "newsletter",
        _("Newsletter"),
        _("News about the portal for clinicians, two or three issues a year."),
        ("NewsletterIssue",),
        layout="cpms-newsletter",
        editors_add=True,
    ),
    Section(
        "consent-forms",
        _("Consent forms"),
        _(
            "Patient consent forms for care, registries and research, in the "
            "languages of the European Union and more."
        ),
        ("ConsentForm",),
        layout="cpms-consent-forms",
        editors_add=True,
    ),
    Section(
        "refer-a-case",
        _("Refer a case"),
        _(
            "Clinicians outside the network can ask the network's experts for "
            "advice on a patient."
        ),
        # The referral easyform, shown as the section's page.
        ("EasyForm",),
    ),
    Section(
        "helpdesk",
        _("Helpdesk"),
        _("Questions, problems and feedback about the portal."),
        # The helpdesk easyform, shown as the section's page.
        ("EasyForm",),
    ),
    Section(
        "referrals",
        _("Referrals"),
        _("Referral requests from clinicians outside the network."),
        ("Referral",),
        public=False,
        readers=(
            roles.MANAGER,
            roles.SITE_ADMINISTRATOR,
            roles.COORDINATOR,
            roles.HELPDESK,
        ),
    ),
    Section(
        "access-requests",
        _("Access requests"),
        _("Requests for authorisation to use the portal."),
        ("AccessRequest",),
        public=False,
        readers=(roles.MANAGER, roles.SITE_ADMINISTRATOR, roles.COORDINATOR),
    ),
    Section(
        "cases",
        _("Cases"),
        _("Patient panels. Each case is visible only to the people it names."),
        ("Case",),
        public=False,
        # Network staff (Editors, Readers, Contributors) must not even browse
        # it; healthcare professionals list it and see only their own cases.
        readers=(
            roles.MANAGER,
            roles.SITE_ADMINISTRATOR,
            roles.COORDINATOR,
            roles.HEALTHCARE_PROFESSIONAL,
        ),
    ),
)

FRONT_PAGE_TITLE = _("CPMS portal")
FRONT_PAGE_DESCRIPTION = _(
    "Expert advice across borders for patients with rare and complex conditions."
)
# Editable by staff (the site root's text); the front page view adds the
# ways in (refer a case, request access, log in) around it.
FRONT_PAGE_PARAGRAPHS = (
    _(
        "This portal lets the healthcare professionals of a European Reference "
        "Network discuss patients with rare or complex conditions across national "
        "borders. A referring clinician presents a case; a panel of experts from "
        "several countries discusses it, meets by video and signs an outcome "
        "report with its advice."
    ),
    _(
        "Cases are pseudonymised: the panel sees codes and clinical facts, never "
        "a patient's name, address or national identifier. Each case is visible "
        "only to the people it names."
    ),
    _(
        "The network gives expert, multidisciplinary advice. The clinician who "
        "treats the patient keeps the legal responsibility for the patient's "
        "care."
    ),
)
FRONT_PAGE_TEXT = "\n".join(f"<p>{text}</p>" for text in FRONT_PAGE_PARAGRAPHS)
