"""The outcome report PDF carries every part of the report, readable as text."""

import io

from pypdf import PdfReader

from cpms.collaboration.report_pdf import ReportData
from cpms.collaboration.report_pdf import render


def test_pdf_text_reads_back():
    data = ReportData(
        network="ERN for Rare Bone Disorders (demo)",
        case_id="ERN-2026-00042",
        nickname="Blue Heron",
        panel=["Lena Lead (demo) (Panel Lead)", "Émile Ørsted (Panel Member)"],
        findings="Findings: a skeletal dysplasia is likely.",
        recommendations="Recommendations: genetic testing of the trio.",
        treatment_plan="Treatment plan: physiotherapy twice weekly.",
        references="References: Example et al. 2025.",
        signer="Lena Lead (demo)",
        signed_on="01 December 2026",
    )
    pdf = render(data)
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "ERN for Rare Bone Disorders (demo)",
        "Case ERN-2026-00042 (Blue Heron)",
        "Émile Ørsted (Panel Member)",
        "a skeletal dysplasia is likely",
        "genetic testing of the trio",
        "physiotherapy twice weekly",
        "Example et al. 2025",
        "The treating clinician keeps",
        "Signed by Lena Lead (demo) on 01 December 2026.",
    ):
        assert expected in text, expected


def test_unsigned_report_says_draft():
    pdf = render(ReportData(network="N", case_id="C-1", nickname="N1"))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Not signed yet" in text
