"""``GET <case>/@export``: a zip of everything the case holds, for the
patient (GDPR Art. 15 and 20): FHIR bundle, readable PDF, files, audit."""

from cpms.core import audit
from cpms.core.services import FileService
from cpms.privacy import export


class ExportGet(FileService):
    mimetype = "application/zip"

    def file(self):
        data = export.export_zip(self.context)
        audit.record(self.context, "case_exported", f"data export ({len(data)} bytes)")
        return data, export.export_filename(self.context)
