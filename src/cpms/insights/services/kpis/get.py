"""``GET @kpis?start=YYYY-MM-DD&end=YYYY-MM-DD``: the network's KPIs for a
period (``end`` not included; without both, the last twelve months)."""

from plone.restapi.services import Service

from cpms.core.i18n import translate_here
from cpms.core.services import field_error
from cpms.insights import kpis


def period_of(request) -> kpis.Period:
    """The request's period; a 400 naming the field when it is wrong."""
    try:
        return kpis.parse_period(request.form)
    except kpis.PeriodError as error:
        raise field_error(error.field, translate_here(error.message)) from None


class KpisGet(Service):
    def reply(self):
        period = period_of(self.request)
        data = kpis.kpis(period)
        data["@id"] = (
            f"{self.context.absolute_url()}/@kpis"
            f"?start={period.start.isoformat()}&end={period.end.isoformat()}"
        )
        return data
