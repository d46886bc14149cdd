"""The board's activity report: ``@@activity-report`` (page, .pdf, .csv) and
``GET @activity-report`` on the network of test_kpis (first half of 2026)."""

import csv
import io

import pytest
import transaction
from pypdf import PdfReader

from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import rest_session
from tests.insights.test_kpis import PASSWORD
from tests.insights.test_kpis import PERIOD
from tests.insights.test_kpis import build


@pytest.fixture
def report_site(functional):
    portal = functional["portal"]
    ids = build(portal)
    make_user("coordinator_r", roles=("Member", "Coordinator"))
    make_user("clinician_r")
    transaction.commit()
    sessions = []

    def session(user="coordinator_r", language=None):
        s = rest_session(portal, user, PASSWORD)
        if language:
            s.headers["Accept-Language"] = language
        sessions.append(s)
        return s

    yield portal, ids, session
    for s in sessions:
        s.close()


def _pdf_text(body: bytes) -> str:
    """The PDF's words, one space apart (table cells wrap as widths allow)."""
    pages = PdfReader(io.BytesIO(body)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_pdf_holds_the_period_and_the_figures(report_site):
    _portal, ids, session = report_site
    response = session().get("@activity-report", params={**PERIOD, "format": "pdf"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="activity-report-2026-01-01-2026-06-30.pdf"'
    )
    assert "no-store" in response.headers["Cache-Control"]
    text = _pdf_text(response.content)
    assert "Activity report" in text
    assert "1 January 2026 to 30 June 2026" in text
    # Time to panel: 5 panels, median 4.0, quartiles 3.0 and 10.0.
    assert "All expertise areas 5 4.0 3.0 10.0" in text
    # Time to closure per area: Bone had one case closed in 31 days.
    assert "Bone 1 31.0 31.0 31.0" in text
    assert "Ada Expert Graz Hospital 3 2" in text
    assert "Leiden Hospital 1 1" in text
    assert "No member centre 1 1" in text
    assert "more than 90 days 2" in text
    # The ids of the panels open for longer, oldest first.
    assert text.index(ids[9]) < text.index(ids[3])
    for words in ("Case 1", "Synthetic", "female"):
        assert words not in text


def test_the_pdf_in_german(report_site):
    _portal, _ids, session = report_site
    response = session(language="de").get(
        "@activity-report", params={**PERIOD, "format": "pdf"}
    )
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "Tätigkeitsbericht" in text
    assert "1. Januar 2026" in text and "30. Juni 2026" in text
    assert "Alle Fachgebiete 5 4,0 3,0 10,0" in text


def test_the_csv_rows(report_site):
    _portal, ids, session = report_site
    response = session().get("@activity-report", params={**PERIOD, "format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Group", "Measure", "Value"]
    assert ["Period", "", "From", "2026-01-01"] in rows
    assert ["Period", "", "To (included)", "2026-06-30"] in rows
    assert ["Cases in the period", "Submitted", "Cases", "6"] in rows
    assert ["Cases in the period", "Closed", "Cases", "3"] in rows
    assert ["Cases in the period", "Withdrawn", "Cases", "1"] in rows
    panel = "Time to panel (days from submission to the panel's opening)"
    assert [panel, "All expertise areas", "Median (days)", "4.0"] in rows
    assert [panel, "Bone", "Third quartile (days)", "18.5"] in rows
    closure = "Time to closure (days from submission to closure)"
    assert [closure, "Bladder anomalies", "Median (days)", "35.0"] in rows
    assert ["Contributions per expert", "Ada Expert", "Contributions", "3"] in rows
    assert ["Contributions per centre", "Graz Hospital", "Experts", "2"] in rows
    assert [
        "Contributions per centre",
        "No member centre",
        "Contributions",
        "1",
    ] in rows
    assert ["Open panels by age", "0 to 7 days", "Case ids", ids[4]] in rows
    assert ["Open panels by age", "8 to 30 days", "Cases", "0"] in rows


def test_the_page_and_its_downloads(report_site):
    portal, ids, session = report_site
    page = session()
    page.headers["Accept"] = "text/html"
    response = page.get(
        "@@activity-report", params={"start": "2026-01-01", "until": "2026-06-30"}
    )
    assert response.status_code == 200
    html = response.text
    assert "Activity report" in html
    assert 'value="2026-01-01"' in html and 'value="2026-06-30"' in html
    assert "1 January 2026 to 30 June 2026" in html
    assert ids[9] in html and "Ada Expert" in html and "Leiden Hospital" in html
    query = "start=2026-01-01&amp;end=2026-07-01"
    assert f"{portal.absolute_url()}/@@activity-report.pdf?{query}" in html
    assert f"{portal.absolute_url()}/@@activity-report.csv?{query}" in html
    pdf = page.get("@@activity-report.pdf", params=PERIOD)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "Ada Expert" in _pdf_text(pdf.content)
    csv_file = page.get("@@activity-report.csv", params=PERIOD)
    assert csv_file.status_code == 200
    assert "Ada Expert" in csv_file.content.decode("utf-8-sig")


def test_a_bad_period_on_the_page_and_the_files(report_site):
    _portal, _ids, session = report_site
    page = session()
    page.headers["Accept"] = "text/html"
    response = page.get(
        "@@activity-report", params={"start": "2026-07-01", "until": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "end: the period ends before it starts" in response.text
    response = page.get("@@activity-report", params={"until": "soon"})
    assert response.status_code == 400
    assert "until: &#x27;soon&#x27; is not a date" in response.text or (
        "until: 'soon' is not a date" in response.text
    )
    response = page.get("@@activity-report.csv", params={"start": "x"})
    assert response.status_code == 400
    assert response.text.startswith("start: 'x' is not a date")
    response = session().get("@activity-report", params={**PERIOD, "format": "xls"})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "format: 'xls' is not one of pdf, csv: choose one."
    )


def test_not_for_a_clinician(report_site):
    _portal, _ids, session = report_site
    clinician = session("clinician_r")
    for name in ("@activity-report", "@kpis"):
        assert clinician.get(name).status_code in (401, 403), name
    clinician.headers["Accept"] = "text/html"
    for name in ("@@activity-report", "@@activity-report.pdf", "@@activity-report.csv"):
        response = clinician.get(name, allow_redirects=False)
        assert response.status_code in (302, 401, 403), name
        assert b"%PDF" not in response.content and b"Ada Expert" not in response.content


def test_a_long_list_of_open_panels_fits_the_pdf():
    """A table row must fit on one page: past 30 ids a band says how many
    more there are (the CSV lists them all)."""
    from cpms.insights import report

    ids = [f"ERN-2026-{number:06d}" for number in range(1, 401)]
    empty = {"count": 0, "median": None, "q1": None, "q3": None}
    data = {
        "period": {
            "start": "2026-01-01",
            "end": "2026-07-01",
            "last_day": "2026-06-30",
        },
        "cases": {"submitted": 400, "closed": 0, "withdrawn": 0},
        "time_to_panel": {"overall": empty, "by_area": []},
        "time_to_closure": {"overall": empty, "by_area": []},
        "contributions": {"total": 0, "by_expert": [], "by_centre": []},
        "open_panels": {
            "as_of": "2026-06-30",
            "total": 400,
            "by_age": [
                {
                    "age": ">90",
                    "from_days": 91,
                    "to_days": None,
                    "count": 400,
                    "case_ids": ids,
                }
            ],
        },
    }
    text = _pdf_text(report.as_pdf(data, "en"))
    assert "ERN-2026-000030 and 370 more (all in the CSV)" in text
    assert "ERN-2026-000031" not in text
    rows = list(csv.reader(io.StringIO(report.as_csv(data, "en").decode("utf-8-sig"))))
    assert [
        "Open panels by age",
        "more than 90 days",
        "Case ids",
        " ".join(ids),
    ] in rows
