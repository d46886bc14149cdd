"""The case page's insights block: similar cases, those elsewhere, and
diagnosis suggestions (``<case>/@@case-insights``, which the case template
includes by name: the cases slice does not import insights).

Who sees what:

- similar cases the reader may open: everyone who may view the case (the
  ranking returns only cases the reader may view);
- the number of similar cases elsewhere: the same readers; the "ask for
  contact" forms only to those who may ask (``contact.may_ask``: the
  enrolling clinician and the panel);
- diagnosis suggestions: the panel (lead and members) and coordinators, who
  discuss and steer the case. Not its enrolling clinician (unless also on
  its panel) nor a guest clinician: the issue asks for them "shown to the
  panel", the suggestions are a decision aid for the experts' discussion,
  and the clinician who asked the question should hear the panel's answer,
  not an automated ranking first.

The ranking and the suggestions come from ``cpms.insights.similarity`` and
``cpms.insights.suggestions`` (cached there); a failure there hides the
block's lists, never the case page.
"""

from plone import api
from Products.Five.browser import BrowserView

from cpms import _
from cpms import logger
from cpms.core.roles import COORDINATOR
from cpms.core.roles import MANAGER
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.insights import contact
from cpms.insights import similarity
from cpms.insights import suggestions
from cpms.insights import tokens

SIMILAR_LIMIT = 5
SUGGESTION_LIMIT = 5
SUGGESTION_ROLES = {PANEL_LEAD, PANEL_MEMBER, COORDINATOR, MANAGER}
ASKED = {
    contact.PENDING: _("Contact asked for: waiting for their answer."),
    contact.ACCEPTED: _("Contact asked for: accepted."),
    contact.DECLINED: _("Contact asked for: declined."),
}


def _percent(score, top) -> int:
    """A score as a share of the list's best (0-100), for the bar."""
    try:
        score = float(score)
    except (TypeError, ValueError):
        return 0
    if 0 <= score <= 1 and (top or 0) <= 1:
        return round(score * 100)
    return round(100 * score / top) if top else 0


def _terms(item) -> list[dict]:
    terms = []
    for key in ("shared_hpo", "shared_orpha", "shared_icd10", "matching"):
        for term in item.get(key) or ():
            terms.append({"code": term.get("code", ""), "title": term.get("title", "")})
    return terms


class CaseInsights(BrowserView):
    def has_codes(self) -> bool:
        case = self.context
        return any(
            getattr(case, name, None)
            for name in ("hpo_terms", "orpha_codes", "icd10_codes")
        )

    def edit_url(self) -> str:
        return f"{self.context.absolute_url()}/@@edit-case"

    def contact_page(self) -> str:
        return f"{api.portal.get().absolute_url()}/{contact.PAGE}"

    def ask_url(self) -> str:
        return f"{self.context.absolute_url()}/@@ask-for-contact"

    def _similar(self) -> dict:
        if getattr(self, "_similar_answer", None) is None:
            try:
                self._similar_answer = similarity.similar_cases(
                    self.context, limit=SIMILAR_LIMIT, request=self.request
                )
            except Exception:
                logger.exception("Similar cases of %s", self.context.absolute_url())
                self._similar_answer = {"items": [], "elsewhere": {"count": 0}}
        return self._similar_answer

    def similar(self) -> list[dict]:
        items, seen = [], set()
        for item in self._similar().get("items") or ():
            # One line a case, whatever the ranking hands over.
            if item.get("uid") not in seen:
                seen.add(item.get("uid"))
                items.append(item)
        items = items[:SIMILAR_LIMIT]
        top = max((float(i.get("score") or 0) for i in items), default=0)
        return [
            {
                "case_id": item.get("case_id") or item.get("title"),
                "url": item.get("url"),
                "score": round(float(item.get("score") or 0), 2),
                "percent": _percent(item.get("score"), top),
                "terms": _terms(item),
            }
            for item in items
        ]

    def elsewhere(self) -> dict:
        found = self._similar().get("elsewhere") or {}
        asked = self._asked()
        return {
            "count": int(found.get("count") or 0),
            "tokens": [
                {"token": token, "asked": asked.get(token)}
                for token in found.get("tokens") or ()
            ],
        }

    def _asked(self) -> dict:
        """token -> the state's words, for the cases asked about from here
        (so the page shows the answer instead of a second form)."""
        source = self.context.UID()
        return {
            tokens.token_for(source, stored["target_uid"]): ASKED[stored["state"]]
            for stored in contact.requests_from(self.context)
        }

    def may_ask(self) -> bool:
        if api.user.is_anonymous():
            return False
        return contact.may_ask(api.user.get_current().getId(), self.context)

    def sees_suggestions(self) -> bool:
        if api.user.is_anonymous():
            return False
        user = api.user.get_current()
        roles = set(user.getRolesInContext(self.context))
        return bool(roles & SUGGESTION_ROLES)

    def suggestions(self) -> dict:
        if not self.sees_suggestions():
            return {"entries": [], "notice": ""}
        try:
            answer = suggestions.diagnosis_suggestions(
                self.context, limit=SUGGESTION_LIMIT
            )
        except Exception:
            logger.exception("Suggestions for %s", self.context.absolute_url())
            return {"entries": [], "notice": ""}
        items = list(answer.get("items") or ())[:SUGGESTION_LIMIT]
        top = max((float(i.get("score") or 0) for i in items), default=0)
        return {
            "notice": answer.get("notice") or "",
            # Not "items": a page template's path would find the dict's method.
            "entries": [
                {
                    "code": item.get("code", ""),
                    "title": item.get("title", ""),
                    "score": round(float(item.get("score") or 0), 2),
                    "percent": _percent(item.get("score"), top),
                    "terms": _terms(item),
                }
                for item in items
            ],
        }

    def elsewhere_heading(self, count: int):
        if count == 1:
            return _("1 similar case elsewhere you cannot see")
        return _(
            "${count} similar cases elsewhere you cannot see",
            mapping={"count": count},
        )
