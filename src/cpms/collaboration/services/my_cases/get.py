"""``GET /@my-cases``: the cases where the caller holds a role, urgent first,
with what waits on them."""

from plone import api
from plone.restapi.services import Service

from cpms.collaboration import dashboard
from cpms.collaboration.services.coordinator_dashboard.get import batch


class MyCasesGet(Service):
    """``items`` holds ``b_size`` rows (50 unless asked) from ``b_start``;
    ``items_total``, ``by_state`` and ``waiting_on_you`` count them all."""

    def reply(self):
        userid = api.user.get_current().getId()
        data = dashboard.my_cases(userid, **batch(self.request, "b_start"))
        data["@id"] = f"{self.context.absolute_url()}/@my-cases"
        return data
