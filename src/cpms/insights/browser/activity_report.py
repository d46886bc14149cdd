"""The board's activity report: ``/@@activity-report`` (a period picker and
the KPIs' tables), ``/@@activity-report.pdf`` and ``/@@activity-report.csv``
(the same period as files), for coordinators and managers.

The page's form sends ``start`` and ``until`` (the last day, included, as
people say it); the files take ``start`` and ``end`` (the first day not
included) as ``@kpis`` does, and the page's links say so.
"""

from datetime import date
from datetime import timedelta
from urllib.parse import urlencode

from plone import api
from Products.Five import BrowserView

from cpms.core import i18n
from cpms.insights import kpis
from cpms.insights import report


class _Base(BrowserView):
    error = None

    def language(self) -> str:
        return i18n.request_language(self.request)

    def period(self) -> kpis.Period:
        """The period of the request; raises ``kpis.PeriodError``."""
        form = dict(self.request.form)
        until = (form.pop("until", "") or "").strip()
        if until and not (form.get("end") or "").strip():
            last_day = kpis.parse_day("until", until)
            form["end"] = (last_day + timedelta(days=1)).isoformat()
        return kpis.parse_period(form)


class ActivityReportView(_Base):
    """The page: a period picker, the tables, the downloads."""

    def __call__(self):
        try:
            self.chosen = self.period()
        except kpis.PeriodError as error:
            self.error = (
                f"{error.field}: {i18n.translate_here(error.message, self.request)}"
            )
            self.request.response.setStatus(400)
            self.chosen = kpis.default_period()
            self.data = None
            return self.index()
        self.data = kpis.kpis(self.chosen)
        return self.index()

    def period_text(self) -> str:
        return report.period_text(self.chosen.as_dict(), self.language())

    def value(self, name) -> str:
        if name == "start":
            return self.chosen.start.isoformat()
        return self.chosen.last_day.isoformat()

    def download(self, kind: str) -> str:
        query = urlencode(
            {"start": self.chosen.start.isoformat(), "end": self.chosen.end.isoformat()}
        )
        return f"{self.context.absolute_url()}/@@activity-report.{kind}?{query}"

    def number(self, value, decimals=None) -> str:
        if value is None:
            return "–"
        return i18n.format_number(value, self.language(), decimals)

    def date(self, iso: str) -> str:
        return i18n.format_date(date.fromisoformat(iso), self.language())

    def case_counts(self):
        return [
            (label, self.data["cases"][key])
            for key, label in report.CASE_COUNTS.items()
        ]

    def durations(self, section: str):
        """(heading, rows) of a time section: all areas first, then each area."""
        figures = self.data[section]
        rows = [{"title": report.ALL_AREAS, "overall": True, **figures["overall"]}]
        rows += [
            {**row, "title": row["title"] or report.NO_AREA, "overall": False}
            for row in figures["by_area"]
        ]
        return report.SECTIONS[section], rows

    def age_label(self, band) -> str:
        return report.AGE_LABELS[band["age"]]

    def centre(self, row):
        return row["title"] or report.NO_CENTRE

    def centres(self, row):
        return ", ".join(row["centres"]) or report.NO_CENTRE


class _File(_Base):
    kind = ""

    def __call__(self):
        try:
            period = self.period()
        except kpis.PeriodError as error:
            self.request.response.setStatus(400)
            self.request.response.setHeader("Content-Type", "text/plain; charset=utf-8")
            return f"{error.field}: {i18n.translate_here(error.message, self.request)}"
        data = kpis.kpis(period)
        body = self.body(data)
        response = self.request.response
        response.setHeader("Content-Type", self.mimetype)
        response.setHeader(
            "Content-Disposition",
            f'attachment; filename="{report.filename(data["period"], self.kind)}"',
        )
        response.setHeader("Content-Length", str(len(body)))
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, no-store")
        return body


class ActivityReportPdf(_File):
    kind = "pdf"
    mimetype = report.PDF_MIMETYPE

    def body(self, data) -> bytes:
        network = api.portal.get().Title()
        return report.as_pdf(data, self.language(), network=network)


class ActivityReportCsv(_File):
    kind = "csv"
    mimetype = report.CSV_MIMETYPE

    def body(self, data) -> bytes:
        return report.as_csv(data, self.language())
