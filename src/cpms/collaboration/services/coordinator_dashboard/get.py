"""``GET /@coordinator-dashboard``: open panels, cases waiting for a panel,
the median time to closure."""

from plone.restapi.services import Service

from cpms import _
from cpms.collaboration import dashboard
from cpms.core.i18n import translate_here
from cpms.core.services import field_error


def batch(request, *starts):
    try:
        return dashboard.batch_parameters(request.form, *starts)
    except ValueError as error:
        raise field_error(
            str(error),
            translate_here(
                _("a whole number from 0 (b_size: from 1, or -1 for all rows)")
            ),
        ) from None


class CoordinatorDashboardGet(Service):
    """Open panels and waiting cases come ``b_size`` rows at a time (50
    unless asked; ``b_start`` for open panels, ``waiting_b_start`` for the
    waiting cases), with ``open_panels_total`` and
    ``waiting_for_panel_total``."""

    def reply(self):
        starts = batch(self.request, "b_start", "waiting_b_start")
        data = dashboard.coordinator(**starts)
        data["@id"] = f"{self.context.absolute_url()}/@coordinator-dashboard"
        return data
