"""``GET @activity-report?start=&end=&format=pdf|csv``: the board's activity
report for a period as a file (PDF by default), in the reader's language."""

from plone import api

from cpms import _
from cpms.core.i18n import request_language
from cpms.core.i18n import translate_here
from cpms.core.services import FileService
from cpms.core.services import field_error
from cpms.insights import kpis
from cpms.insights import report
from cpms.insights.services.kpis.get import period_of

FORMATS = {"pdf": report.PDF_MIMETYPE, "csv": report.CSV_MIMETYPE}


class ActivityReportGet(FileService):
    def file(self):
        kind = (self.request.form.get("format") or "pdf").strip().lower()
        if kind not in FORMATS:
            raise field_error(
                "format",
                translate_here(
                    _(
                        "'${value}' is not one of ${allowed}: choose one.",
                        mapping={"value": kind, "allowed": ", ".join(FORMATS)},
                    )
                ),
            )
        period = period_of(self.request)
        data = kpis.kpis(period)
        language = request_language(self.request)
        self.mimetype = FORMATS[kind]
        if kind == "csv":
            body = report.as_csv(data, language)
        else:
            network = api.portal.get().Title()
            body = report.as_pdf(data, language, network=network)
        return body, report.filename(data["period"], kind)
