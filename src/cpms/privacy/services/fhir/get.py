"""``GET <case>/@fhir``: the case as a FHIR R4 Bundle (application/fhir+json)."""

import json

from plone.restapi.services import Service

from cpms.core import audit
from cpms.privacy.fhir import bundle_json


class FhirGet(Service):
    def render(self):
        self.check_permission()
        body = bundle_json(self.context)
        audit.record(self.context, "fhir_export", "FHIR bundle")
        response = self.request.response
        response.setHeader("Content-Type", "application/fhir+json; charset=utf-8")
        response.setHeader("Cache-Control", "private, no-store")
        # Pretty, as plone.restapi answers: people read it too.
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
