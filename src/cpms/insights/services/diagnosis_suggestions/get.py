"""``GET <case>/@diagnosis-suggestions?limit=10``: the ORPHA and OMIM
diseases that best explain the case's HPO terms, with the matching terms; a
decision aid, labelled as such."""

from plone.restapi.services import Service

from cpms.core import audit
from cpms.insights.similarity import limit_from
from cpms.insights.suggestions import diagnosis_suggestions


class DiagnosisSuggestionsGet(Service):
    def reply(self):
        limit = limit_from(self.request, default=10)
        result = diagnosis_suggestions(self.context, limit=limit, request=self.request)
        audit.record(
            self.context,
            "diagnosis_suggestions_viewed",
            ", ".join(item["code"] for item in result["items"][:5]),
            request=self.request,
        )
        url = f"{self.context.absolute_url()}/@diagnosis-suggestions"
        return {"@id": url, **result}
