"""``GET /@my-cases``: the cases where the caller holds a role, urgent first,
with what waits on them."""

from plone import api
from plone.restapi.services import Service

from cpms.collaboration import dashboard


class MyCasesGet(Service):
    def reply(self):
        data = dashboard.my_cases(api.user.get_current().getId())
        data["@id"] = f"{self.context.absolute_url()}/@my-cases"
        return data
