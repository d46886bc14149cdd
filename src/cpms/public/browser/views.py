"""The public pages: network, guides, common problems, newsletter, consent forms.

Each section folder of ``cpms.core.structure`` shows one of these views as its
layout.  Everything works without JavaScript: search and selection are plain
GET forms answered from the catalog, so results have shareable URLs.  Anonymous
visitors only ever see published items because every query and traversal goes
through the catalog's and Zope's permission checks.
"""

import re
from collections import defaultdict
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from plone import api
from plone.base.utils import munge_search_term
from plone.memoize.view import memoize
from Products.Five.browser import BrowserView
from zope.component import queryUtility
from zope.schema.interfaces import IVocabularyFactory

from cpms.core import permissions
from cpms.core.i18n import format_date
from cpms.core.i18n import request_language
from cpms.public.translations import language_of
from cpms.public.translations import pick
from cpms.public.translations import translations
from cpms.public.vocabularies import CONSENT_KINDS
from cpms.public.vocabularies import FAQ_CATEGORIES
from cpms.public.vocabularies import GUIDE_AUDIENCES
from cpms.public.vocabularies import language_name
from cpms.public.vocabularies import native_language_name


def _vocabulary_titles(name: str, context=None) -> dict[str, str]:
    factory = queryUtility(IVocabularyFactory, name=name)
    if factory is None:
        return {}
    return {term.value: term.title or term.token for term in factory(context)}


def _children(folder, portal_type: str, **query):
    """Catalog brains of one type directly inside ``folder``, in folder order."""
    query.setdefault("sort_on", "getObjPositionInParent")
    return api.content.find(context=folder, depth=1, portal_type=portal_type, **query)


def _download_url(obj, fieldname: str = "file") -> str:
    blob = getattr(obj, fieldname, None)
    if blob is None:
        return ""
    return f"{obj.absolute_url()}/@@download/{fieldname}/{blob.filename}"


def _size(obj, fieldname: str = "file") -> str:
    blob = getattr(obj, fieldname, None)
    size = blob.getSize() if blob is not None else 0
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} kB"


class NetworkView(BrowserView):
    """/network: providers grouped by country, expertise areas by workstream."""

    def providers_by_country(self) -> list[dict]:
        countries = _vocabulary_titles(
            "cpms.vocabularies.eu_eea_countries", self.context
        )
        areas = {b.UID: b.Title for b in _children(self.context, "ExpertiseArea")}
        groups = defaultdict(list)
        for brain in _children(self.context, "HealthcareProvider"):
            provider = brain.getObject()
            code = getattr(provider, "country", None) or ""
            area_titles = []
            for ref in getattr(provider, "expertise_areas", None) or []:
                uid = getattr(ref, "to_object", None)
                uid = uid.UID() if uid is not None else ref
                if isinstance(uid, str) and uid in areas:
                    area_titles.append(areas[uid])
            groups[code].append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "city": getattr(provider, "city", "") or "",
                    "areas": sorted(area_titles),
                }
            )
        return [
            {
                "code": code,
                "name": countries.get(code, code or "Country not given"),
                "providers": sorted(groups[code], key=lambda p: p["title"]),
            }
            for code in sorted(groups, key=lambda c: countries.get(c, c or "~"))
        ]

    def areas_by_workstream(self) -> list[dict]:
        workstreams = _vocabulary_titles("cpms.vocabularies.workstreams", self.context)
        groups = defaultdict(list)
        for brain in _children(self.context, "ExpertiseArea"):
            area = brain.getObject()
            key = getattr(area, "workstream", None) or ""
            groups[key].append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "description": brain.Description,
                }
            )
        return [
            {
                "name": workstreams.get(key, key or "Other expertise areas"),
                "areas": sorted(groups[key], key=lambda a: a["title"]),
            }
            for key in sorted(groups, key=lambda k: workstreams.get(k, k or "~"))
        ]


def _translations(obj) -> list[dict]:
    """The page in other languages, as far as the visitor may see them."""
    siblings = [
        b.getObject()
        for b in _children(obj.__parent__, obj.portal_type)
        if obj.UID() != b.UID
    ]
    return [
        {
            "language": language_of(other),
            "name": native_language_name(language_of(other))
            or language_name(language_of(other)),
            "title": other.Title(),
            "url": other.absolute_url(),
        }
        for other in translations(obj, siblings)
    ]


class GuidesView(BrowserView):
    """/guides: every guide with its summary and audience."""

    def guides(self) -> list[dict]:
        audiences = dict(GUIDE_AUDIENCES)
        result = []
        # One guide of each translation group: the reader's language first.
        guides = pick(b.getObject() for b in _children(self.context, "Guide"))
        for guide in guides:
            result.append(
                {
                    "title": guide.Title(),
                    "url": guide.absolute_url(),
                    "description": guide.Description(),
                    "language": language_of(guide),
                    "audience": ", ".join(
                        audiences[a]
                        for a in sorted(guide.audience or ())
                        if a in audiences
                    ),
                }
            )
        return result


class GuideView(BrowserView):
    """One guide: summary, audience, steps, attachments, related guides."""

    def translations(self) -> list[dict]:
        return _translations(self.context)

    def language(self) -> str:
        return language_of(self.context)

    def audience(self) -> list[str]:
        audiences = dict(GUIDE_AUDIENCES)
        return [
            audiences[a] for a in sorted(self.context.audience or ()) if a in audiences
        ]

    def steps(self) -> str:
        steps = self.context.steps
        return steps.output_relative_to(self.context) if steps else ""

    def attachments(self) -> list[dict]:
        result = []
        for brain in api.content.find(
            context=self.context,
            depth=1,
            portal_type=["File", "Image"],
            sort_on="getObjPositionInParent",
        ):
            obj = brain.getObject()
            field = "image" if brain.portal_type == "Image" else "file"
            result.append(
                {
                    "title": brain.Title,
                    "url": _download_url(obj, field),
                    "size": _size(obj, field),
                    "kind": "Image" if field == "image" else "File",
                }
            )
        return result

    def related(self) -> list[dict]:
        result = []
        for relation in self.context.related_guides or []:
            target = relation.to_object if not relation.isBroken() else None
            # Only guides this visitor may see (a draft stays hidden).
            if target is None or not api.user.has_permission(
                permissions.VIEW, obj=target
            ):
                continue
            result.append({"title": target.Title(), "url": target.absolute_url()})
        return result


class CommonProblemsView(BrowserView):
    """/common-problems: grouped by category, with a search box (GET ?q=)."""

    def query(self) -> str:
        return (self.request.form.get("q") or "").strip()[:200]

    def category(self) -> str:
        category = self.request.form.get("category") or ""
        return category if category in dict(FAQ_CATEGORIES) else ""

    def categories(self) -> list[dict]:
        return [
            {"token": token, "title": title, "selected": token == self.category()}
            for token, title in FAQ_CATEGORIES
        ]

    def searching(self) -> bool:
        return bool(self.query() or self.category())

    @memoize
    def groups(self) -> list[dict]:
        query = {}
        # Words only: quotes, brackets and operators are query syntax to the
        # catalog and would make a visitor's typing an error.
        words = re.sub(r"[^\w\s]", " ", self.query())
        text = munge_search_term(words) if words.strip() else ""
        if text:
            query["SearchableText"] = text
        grouped = defaultdict(list)
        entries = pick(
            b.getObject() for b in _children(self.context, "FAQEntry", **query)
        )
        for entry in entries:
            if self.category() and entry.category != self.category():
                continue
            grouped[entry.category].append(
                {
                    "id": entry.getId(),
                    "question": entry.Title(),
                    "url": entry.absolute_url(),
                    "language": language_of(entry),
                    "answer": entry.answer.output_relative_to(entry)
                    if entry.answer
                    else "",
                }
            )
        return [
            {"token": token, "title": title, "entries": grouped[token]}
            for token, title in FAQ_CATEGORIES
            if grouped.get(token)
        ]

    def count(self) -> int:
        return sum(len(g["entries"]) for g in self.groups())


class FAQEntryView(BrowserView):
    def translations(self) -> list[dict]:
        return _translations(self.context)

    def language(self) -> str:
        return language_of(self.context)

    def category_title(self) -> str:
        return dict(FAQ_CATEGORIES).get(self.context.category, "")

    def answer(self) -> str:
        answer = self.context.answer
        return answer.output_relative_to(self.context) if answer else ""


def _issue_date(issue) -> date:
    """The issue's date; its creation date if none was given (e.g. over REST)."""
    return issue.issue_date or issue.created().asdatetime().date()


def _issues(folder) -> list:
    issues = [b.getObject() for b in _children(folder, "NewsletterIssue")]
    return sorted(issues, key=lambda i: (_issue_date(i), i.number or 0), reverse=True)


class NewsletterView(BrowserView):
    """/newsletter: the archive, newest first, grouped by year, with RSS."""

    def feed_url(self) -> str:
        return f"{self.context.absolute_url()}/{NewsletterFeed.name}"

    def years(self) -> list[dict]:
        by_year = defaultdict(list)
        for issue in _issues(self.context):
            issued = _issue_date(issue)
            by_year[issued.year].append(
                {
                    "title": issue.Title(),
                    "number": issue.number,
                    "date": issued.isoformat(),
                    "date_label": format_date(issued, request_language()),
                    "url": issue.absolute_url(),
                    "description": issue.Description(),
                    "pdf": _download_url(issue),
                    "pdf_size": _size(issue) if issue.file else "",
                }
            )
        return [
            {"year": y, "issues": by_year[y]} for y in sorted(by_year, reverse=True)
        ]


class NewsletterIssueView(BrowserView):
    def date(self) -> str:
        return _issue_date(self.context).isoformat()

    def date_label(self) -> str:
        return format_date(_issue_date(self.context), request_language())

    def body(self) -> str:
        body = self.context.body
        return body.output_relative_to(self.context) if body else ""

    def pdf(self) -> dict | None:
        if not self.context.file:
            return None
        return {"url": _download_url(self.context), "size": _size(self.context)}

    def archive_url(self) -> str:
        return self.context.__parent__.absolute_url()


class NewsletterFeed(BrowserView):
    """RSS 2.0 of the published issues (what the visitor may see), newest first."""

    name = "newsletter.rss"

    def __call__(self):
        folder = self.context
        rss = ET.Element("rss", version="2.0")
        channel = ET.SubElement(rss, "channel")
        site_title = api.portal.get_registry_record("plone.site_title", default="")
        ET.SubElement(channel, "title").text = f"{folder.Title()}: {site_title}"
        ET.SubElement(channel, "link").text = folder.absolute_url()
        ET.SubElement(channel, "description").text = folder.Description()
        ET.SubElement(channel, "language").text = "en"
        for issue in _issues(folder):
            item = ET.SubElement(channel, "item")
            ET.SubElement(item, "title").text = issue.Title()
            ET.SubElement(item, "link").text = issue.absolute_url()
            ET.SubElement(item, "guid", isPermaLink="false").text = issue.UID()
            ET.SubElement(item, "description").text = issue.Description()
            published = datetime.combine(_issue_date(issue), time(), UTC)
            ET.SubElement(item, "pubDate").text = format_datetime(published)
            if issue.file:
                ET.SubElement(
                    item,
                    "enclosure",
                    url=_download_url(issue),
                    length=str(issue.file.getSize()),
                    type="application/pdf",
                )
        self.request.response.setHeader(
            "Content-Type", "application/rss+xml; charset=utf-8"
        )
        return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


class ConsentFormsView(BrowserView):
    """/consent-forms: pick a language and a kind (GET), get the PDF."""

    def _forms(self) -> list:
        return [b.getObject() for b in _children(self.context, "ConsentForm")]

    def selected_language(self) -> str:
        return self.request.form.get("language") or ""

    def selected_kind(self) -> str:
        kind = self.request.form.get("kind") or ""
        return kind if kind in dict(CONSENT_KINDS) else ""

    def languages(self) -> list[dict]:
        """Only languages that have a form: no choice leads to nothing."""
        codes = {f.form_language for f in self._forms()}
        return sorted(
            (
                {
                    "code": c,
                    "name": language_name(c),
                    "selected": c == self.selected_language(),
                }
                for c in codes
            ),
            key=lambda item: item["name"],
        )

    def kinds(self) -> list[dict]:
        return [
            {"token": t, "title": title, "selected": t == self.selected_kind()}
            for t, title in CONSENT_KINDS
        ]

    def searching(self) -> bool:
        return "language" in self.request.form or "kind" in self.request.form

    @memoize
    def results(self) -> list[dict]:
        kinds = dict(CONSENT_KINDS)
        result = []
        for form in self._forms():
            if (
                self.selected_language()
                and form.form_language != self.selected_language()
            ):
                continue
            if self.selected_kind() and form.kind != self.selected_kind():
                continue
            result.append(
                {
                    "title": form.Title(),
                    "url": form.absolute_url(),
                    "language": language_name(form.form_language),
                    "language_code": form.form_language,
                    "kind": kinds.get(form.kind, form.kind),
                    "version": form.version,
                    # What the patient reads: the demo forms' own title.
                    "description": form.Description(),
                    "pdf": _download_url(form),
                    "size": _size(form),
                }
            )
        return sorted(result, key=lambda r: (r["language"], r["kind"]))

    def groups(self) -> list[dict]:
        """The results by language, each headed by its name in English and in
        itself: a list a phone can show, where a table of 72 rows cannot."""
        groups: dict[str, dict] = {}
        for form in self.results():
            code = form["language_code"]
            group = groups.setdefault(
                code,
                {
                    "code": code,
                    "name": form["language"],
                    "native": native_language_name(code),
                    "forms": [],
                },
            )
            group["forms"].append(form)
        return list(groups.values())


class ConsentFormView(BrowserView):
    def language(self) -> str:
        return language_name(self.context.form_language)

    def kind(self) -> str:
        return dict(CONSENT_KINDS).get(self.context.kind, self.context.kind)

    def pdf(self) -> dict:
        return {"url": _download_url(self.context), "size": _size(self.context)}
