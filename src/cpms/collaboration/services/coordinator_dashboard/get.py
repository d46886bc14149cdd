"""``GET /@coordinator-dashboard``: open panels, cases waiting for a panel,
the median time to closure."""

from plone.restapi.services import Service

from cpms.collaboration import dashboard


class CoordinatorDashboardGet(Service):
    def reply(self):
        data = dashboard.coordinator()
        data["@id"] = f"{self.context.absolute_url()}/@coordinator-dashboard"
        return data
