"""SearchableText of the public types: title, summary and their rich text.

The common-problems search and the site search find words of the answer, the
guide's steps and the newsletter body, not just titles.
"""

from plone.base.utils import safe_text
from plone.indexer import indexer

from cpms.core.text import plain_text
from cpms.public.content.consent_form import IConsentForm
from cpms.public.content.faq_entry import IFAQEntry
from cpms.public.content.guide import IGuide
from cpms.public.content.newsletter_issue import INewsletterIssue


def _join(obj, *parts) -> str:
    words = [safe_text(obj.Title()), safe_text(getattr(obj, "description", ""))]
    words += [safe_text(p) for p in parts if p]
    words += [safe_text(s) for s in obj.Subject()]
    return " ".join(w for w in words if w)


@indexer(IGuide)
def guide_text(obj):
    return _join(obj, plain_text(obj, obj.steps))


@indexer(IFAQEntry)
def faq_text(obj):
    return _join(obj, plain_text(obj, obj.answer))


@indexer(INewsletterIssue)
def newsletter_text(obj):
    return _join(obj, f"Issue {obj.number}", plain_text(obj, obj.body))


@indexer(IConsentForm)
def consent_form_text(obj):
    return _join(obj, obj.form_language, obj.kind, obj.version)
