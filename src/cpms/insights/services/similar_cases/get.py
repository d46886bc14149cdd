"""``GET <case>/@similar-cases?limit=5``: the cases most similar to this one
that the user may view, with score and shared terms, and a count of (and
opaque tokens for) the similar cases elsewhere that the user cannot view."""

from plone.restapi.services import Service

from cpms.core import audit
from cpms.insights.similarity import limit_from
from cpms.insights.similarity import similar_cases


class SimilarCasesGet(Service):
    def reply(self):
        limit = limit_from(self.request, default=5)
        result = similar_cases(self.context, limit=limit, request=self.request)
        audit.record(
            self.context,
            "similar_cases_viewed",
            f"{len(result['items'])} shown, {result['elsewhere']['count']} elsewhere",
            request=self.request,
        )
        return {"@id": f"{self.context.absolute_url()}/@similar-cases", **result}
