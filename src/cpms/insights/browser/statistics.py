"""The network's statistics page (``/@@statistics``) and its CSV
(``/@@statistics.csv``, or the page with ``?format=csv``), for researchers,
coordinators and managers: each table as a bar chart (inline SVG, no
script) with the same figures as a table beside it; a hidden count reads
"fewer than 5"."""

from urllib.parse import urlencode

from Products.Five import BrowserView

from cpms import _
from cpms.core import i18n
from cpms.insights import statistics

# The chart's geometry, in SVG user units (the chart scales to its column).
WIDTH = 400
LABEL_WIDTH = 170
VALUE_WIDTH = 90
BAR_HEIGHT = 22
GAP = 8


class _Base(BrowserView):
    error = None
    filters = None
    result = None

    def compute(self):
        try:
            self.filters = statistics.parse(self.request.form)
        except statistics.FilterError as error:
            self.error = f"{error.field}: {error.message}"
            self.request.response.setStatus(400)
            self.filters = {"year": None, "area": None}
            return None
        self.result = statistics.compute(self.filters)
        return self.result

    def csv(self):
        self.compute()
        if self.result is None:
            return self.error
        response = self.request.response
        response.setHeader("Content-Type", "text/csv; charset=utf-8")
        response.setHeader(
            "Content-Disposition", 'attachment; filename="statistics.csv"'
        )
        response.setHeader("X-Content-Type-Options", "nosniff")
        return statistics.as_csv(self.result)


class StatisticsCsv(_Base):
    def __call__(self):
        return self.csv()


class StatisticsView(_Base):
    def __call__(self):
        if (self.request.form.get("format") or "").strip().lower() == "csv":
            return self.csv()
        self.compute()
        return self.index()

    def language(self) -> str:
        return i18n.request_language(self.request)

    def number(self, value, decimals=None) -> str:
        if value is None:
            return "–"
        return i18n.format_number(value, self.language(), decimals)

    def fewer_than(self) -> str:
        threshold = self.result["threshold"] if self.result else 5
        return i18n.translate_here(
            _("fewer than ${count}", mapping={"count": threshold}), self.request
        )

    def shown(self, row) -> str:
        return self.fewer_than() if row["suppressed"] else self.number(row["count"])

    def total(self) -> str:
        return self.shown(self.result["cases"])

    def tables(self) -> list[dict]:
        return [
            {"id": name, **table, "chart": self.chart(name, table["rows"])}
            for name, table in self.result["tables"].items()
        ]

    def durations(self) -> list[dict]:
        return [
            {"id": name, **table} for name, table in self.result["durations"].items()
        ]

    def chart(self, name, rows) -> dict:
        """Bars of one table: positions, widths and texts of the SVG."""
        largest = max((r["count"] or 0 for r in rows), default=0) or 1
        room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
        bars = []
        for n, row in enumerate(rows):
            y = n * (BAR_HEIGHT + GAP)
            count = row["count"] or 0
            label = row["label"]
            if len(label) > 25:
                label = label[:24] + "…"
            bars.append(
                {
                    "y": y,
                    "text_y": y + BAR_HEIGHT / 2 + 5,
                    "width": 0 if row["suppressed"] else room * count / largest,
                    "label": label,
                    "value": self.shown(row),
                    "value_x": LABEL_WIDTH
                    + (4 if row["suppressed"] else room * count / largest + 4),
                    "suppressed": row["suppressed"],
                }
            )
        height = max(len(rows) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT)
        return {
            "bars": bars,
            "viewbox": f"0 0 {WIDTH} {height}",
            "height": height,
            "label_width": LABEL_WIDTH,
            "label_x": LABEL_WIDTH - 6,
            "bar_height": BAR_HEIGHT,
            "title_id": f"chart-{name}",
        }

    def years(self) -> list[int]:
        """The years to choose from: those with cases, newest first."""
        unfiltered = statistics.case_facts()
        return sorted({f.year for f in unfiltered if f.year}, reverse=True)

    def areas(self) -> list[tuple[str, str]]:
        return sorted(
            statistics.expertise_areas().values(), key=lambda pair: pair[1].lower()
        )

    def chosen(self, name) -> str:
        if name == "year":
            value = (self.request.form.get("year") or "").strip()
            return value
        return (self.request.form.get("area") or "").strip()

    def csv_url(self) -> str:
        query = {
            k: self.chosen(k)
            for k in ("year", "area")
            if self.chosen(k) and self.result
        }
        url = f"{self.context.absolute_url()}/@@statistics.csv"
        return f"{url}?{urlencode(query)}" if query else url

    def base_url(self) -> str:
        return f"{self.context.absolute_url()}/@@statistics"
