"""``GET <report or case>/@report-pdf``: the outcome report as a PDF."""

from cpms.collaboration.report_pdf import outcome_report_of
from cpms.collaboration.report_pdf import render
from cpms.collaboration.report_pdf import report_data
from cpms.core.services import FileService
from cpms.core.services import NotFound


class ReportPdfGet(FileService):
    mimetype = "application/pdf"

    def file(self):
        report = outcome_report_of(self.context)
        if report is None:
            raise NotFound("This case has no outcome report yet.")
        data = report_data(report)
        return render(data), f"outcome-report-{data.case_id or 'case'}.pdf"
