"""The portal in seven languages on a site made when it had only English.

Sets what the default profile's ``registry/languages.xml`` sets on a new
site: the languages en, de, fr, it, es, nl, pl and how a request's language
is chosen (a member's preference, the switcher's cookie, then
Accept-Language).
"""

from plone import api

LANGUAGES = ["en", "de", "fr", "it", "es", "nl", "pl"]
SETTINGS = {
    "plone.default_language": "en",
    "plone.use_combined_language_codes": False,
    "plone.use_request_negotiation": True,
    "plone.use_cookie_negotiation": True,
    "plone.authenticated_users_only": False,
    "plone.use_content_negotiation": False,
    "plone.use_path_negotiation": False,
    "plone.set_cookie_always": False,
}


def upgrade(setup_tool):
    api.portal.set_registry_record("plone.available_languages", LANGUAGES)
    for name, value in SETTINGS.items():
        api.portal.set_registry_record(name, value)
