"""Erasure (GDPR Art. 17): the case's free texts and files become a
tombstone; nobody finds them afterwards; what the KPIs need stays."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from plone import api

from cpms.privacy import erasure
from cpms.privacy.fhir import bundle_json
from tests.privacy.conftest import SECRETS


def _everything_readable(portal, case) -> str:
    """What any page, index or export can show of the case, as one text."""
    catalog = api.portal.get_tool("portal_catalog")
    parts = []
    for brain in catalog.unrestrictedSearchResults(
        path="/".join(case.getPhysicalPath())
    ):
        parts.append(str(brain.Title) + str(brain.Description))
        parts.append(str(getattr(brain, "case_nickname", "")))
        rid = brain.getRID()
        parts.append(str(catalog.getIndexDataForRID(rid).get("SearchableText")))
        parts.append(brain.getId)
    for obj in [case, *case.objectValues()]:
        parts.append(obj.getId())
        parts.append(str(obj.__dict__))
        for entries in obj.workflow_history.values():
            parts.append(str(entries))
    parts.append(bundle_json(case))
    return " ".join(parts)


def test_erasure_leaves_a_tombstone(portal, full_case):
    case = full_case
    before = _everything_readable(portal, case)
    for secret in SECRETS.values():
        assert secret.lower() in before.lower(), secret
    counts = erasure.erase_case(case, "patient's request")
    after = _everything_readable(portal, case)
    for secret in SECRETS.values():
        assert secret.lower() not in after.lower(), secret
        # Its rarest word, through the text index as search does.
        word = max(secret.replace(".", " ").split(), key=len)
        found = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
            SearchableText=word
        )
        assert not found, word
    assert counts["files"] == 1
    assert counts["comments"] >= 1
    assert counts["codes"] == 3
    # Kept for the KPIs: the id, states, counts, area and centre, dates.
    assert case.case_id.startswith("ERN-")
    assert api.content.get_state(case) == "in_discussion"
    types = sorted(o.portal_type for o in case.objectValues())
    assert types == [
        "ConsentRecord",
        "Contribution",
        "MedicalFile",
        "Meeting",
        "OutcomeReport",
    ]
    assert case.expertise_area and case.referring_hcp
    assert case.orpha_codes == [] and case.year_of_birth is None
    file = case["file-1"]
    assert file.file is None and file.Title() == "Erased file"
    assert case["meeting-1"].start is not None
    history = case.workflow_history["cpms_case_workflow"]
    assert [e["action"] for e in history][-1] == "open_panel"
    assert erasure.erased(case)["reason"] == "patient's request"
    Bundle.model_validate_json(bundle_json(case))


def test_erasure_is_audited(portal, full_case):
    from cpms.core import audit

    erasure.erase_case(full_case, "patient's request")
    assert any(e["action"] == "case_erased" for e in audit.entries(full_case))


def test_what_is_lost_counts_without_reading(portal, full_case):
    lost = erasure.what_is_lost(full_case)
    assert lost["files"] == 1 and lost["bytes"] > 0
    assert lost["texts"] >= 7
    assert lost["comments"] >= 1
    erasure.erase_case(full_case, "request")
    lost = erasure.what_is_lost(full_case)
    assert lost["files"] == 0 and lost["texts"] == 0 and lost["comments"] == 0


@pytest.mark.parametrize("days", [0, 30])
def test_withdrawn_care_consent_erases(portal, full_case, days):
    api.portal.set_registry_record(
        "cpms.privacy.erase_after_care_withdrawal_days", days
    )
    consent = full_case["care-consent"]
    api.content.transition(obj=consent, transition="withdraw_consent")
    if days == 0:
        assert erasure.erased(full_case)
        assert full_case.nickname == erasure.NICKNAME_TOMBSTONE
    else:
        assert not erasure.erased(full_case)
        assert full_case.nickname == SECRETS["nickname"]
        assert erasure.erase_due(full_case) is not None


def test_pack_removes_old_revisions_and_blobs(tmp_path):
    """What a FileStorage pack does: after it, neither the erased text nor
    the blob file of the erased file is anywhere in the storage."""
    import time

    import transaction
    from persistent.mapping import PersistentMapping
    from ZODB import DB
    from ZODB.blob import Blob
    from ZODB.FileStorage import FileStorage

    storage = FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs"))
    db = DB(storage)
    connection = db.open()
    root = connection.root()
    blob = Blob(b"SECRET-SCAN-BYTES")
    root["item"] = PersistentMapping(text="Ignatius Quill", file=blob)
    transaction.commit()
    root["item"]["text"] = erasure.TOMBSTONE
    root["item"]["file"] = None
    transaction.commit()

    def blob_files():
        return list((tmp_path / "blobs").rglob("*.blob"))

    assert blob_files()
    assert b"Ignatius Quill" in (tmp_path / "Data.fs").read_bytes()
    time.sleep(0.01)
    erasure.pack_history(db)
    assert not blob_files()
    assert b"Ignatius Quill" not in (tmp_path / "Data.fs").read_bytes()
    assert root["item"]["text"] == erasure.TOMBSTONE
    connection.close()
    db.close()


def test_imaging_series_images_are_erased(portal, full_case):
    """Files kept outside schema fields (a DICOM series' images and its
    thumbnail) go too."""
    from cpms.imaging import phantom
    from cpms.imaging import studies

    studies.import_files(full_case, phantom.ct_series(2, size=32))
    series = next(
        o for o in full_case.objectValues() if o.portal_type == studies.SERIES_TYPE
    )
    assert len(series.instances) == 2
    lost = erasure.what_is_lost(full_case)
    assert lost["files"] >= 3  # the medical file, the images, the thumbnail
    erasure.erase_case(full_case, "request")
    assert len(series.instances) == 0
    assert series.thumbnail is None
    assert erasure.what_is_lost(full_case)["files"] == 0
