"""``GET @statistics`` (site root): the network's anonymised statistics
(cpms.insights.statistics), optionally for one year and one expertise area
(``?year=2026&area=kidney``); ``?format=csv`` answers them as one CSV file."""

from cpms import _
from cpms.core.i18n import translate_here
from cpms.core.services import FileService
from cpms.core.services import field_error
from cpms.insights import statistics

FORMATS = ("json", "csv")


class StatisticsGet(FileService):
    mimetype = "text/csv; charset=utf-8"

    def result(self):
        form = self.request.form
        try:
            filters = statistics.parse(form)
        except statistics.FilterError as error:
            raise field_error(error.field, error.message) from None
        return statistics.compute(filters)

    def format(self) -> str:
        kind = (self.request.form.get("format") or "json").strip().lower()
        if kind not in FORMATS:
            raise field_error(
                "format",
                translate_here(
                    _(
                        "'${value}' is not one of ${allowed}: choose one.",
                        mapping={"value": kind[:20], "allowed": ", ".join(FORMATS)},
                    )
                ),
            )
        return kind

    def file(self):
        return statistics.as_csv(self.result()).encode("utf-8"), "statistics.csv"

    def render(self):
        if self.format() == "csv":
            return super().render()
        # JSON, as plone.restapi's services answer.
        return super(FileService, self).render()

    def reply(self):
        return {"@id": f"{self.context.absolute_url()}/@statistics", **self.result()}
