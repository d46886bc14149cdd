"""``GET <case>/@external-experts``: the case's experts of other networks
(signed in or still invited), with their network and the end of access."""

from plone.restapi.services import Service

from cpms.identity import experts


def listing(case) -> dict:
    items = [g.as_dict() for g in experts.experts_on(case, include_ended=True)]
    items += [g.as_dict() for g in experts.pending_on(case)]
    return {"@id": f"{case.absolute_url()}/@external-experts", "items": items}


class ExternalExpertsGet(Service):
    def reply(self):
        return listing(self.context)
