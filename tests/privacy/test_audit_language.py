"""The audit pages' words (what was done, outcome, channel, counts) and the
data requests' sizes are shown in the reader's language."""

import pytest
import transaction
from plone import api

from cpms.cases import states
from cpms.core.i18n import translate_here as translate
from cpms.privacy import auditlog
from cpms.privacy.browser.audit import ACTION_LABELS
from cpms.privacy.browser.audit import AuditLogView
from cpms.privacy.browser.requests import DataRequestsView
from tests.privacy.test_audit_log import session
from tests.security.helpers import build_case
from tests.security.helpers import create_outsiders


def _german(request):
    request.set("LANGUAGE", "de")
    return request


def test_audit_labels_in_german_sorted_for_the_reader(integration):
    request = _german(integration["request"])
    view = AuditLogView(api.portal.get(), request)
    actions = dict(view.actions())
    assert actions["view"] == "Geöffnet"
    assert actions["consent_withdrawn"] == "Einen Widerruf der Einwilligung erfasst"
    labels = [label for _key, label in view.actions()]
    assert labels == sorted(labels, key=str.casefold)
    assert len(labels) == len(ACTION_LABELS)
    view.start, view.size, view.total = 0, 50, 200
    assert translate(view.shown(), request) == "1 bis 50 von 200"
    view.records = [
        {
            "time": "2026-11-30T10:00:00+00:00",
            "user": "nobody",
            "action": "download",
            "outcome": "refused",
            "channel": "web",
            "roles": [],
        }
    ]
    row = view.rows()[0]
    assert translate(row["what"], request) == "Eine Datei heruntergeladen"
    assert translate(row["outcome_label"], request) == "Abgelehnt"
    assert translate(row["channel_label"], request) == "Webseite"
    assert translate(row["roles_label"], request) == "keine"
    assert view.roles_label(["Owner", "Panel Lead", "Reader"]) == (
        "Einschreibende Ärztin / einschreibender Arzt, Gremiumsleitung, Reader"
    )


def test_sizes_in_german_and_english(integration):
    request = integration["request"]
    view = DataRequestsView(api.portal.get(), request)
    assert translate(view.size(10), request) == "10 bytes"
    assert translate(view.size(10), _german(request)) == "10 Bytes"
    assert view.size(2048) == "2 kB"


def test_filter_errors_in_german_name_the_field_and_the_fix(integration):
    request = _german(integration["request"])
    with pytest.raises(auditlog.FilterError) as bad:
        auditlog.parse({"since": "30/11/2026"})
    assert bad.value.field == "since"
    assert bad.value.message == (
        "„30/11/2026“ ist kein Datum: schreiben Sie es als JJJJ-MM-TT "
        "(YYYY-MM-DD), z. B. 2026-11-30."
    )
    request.set("LANGUAGE", "")
    with pytest.raises(auditlog.FilterError) as bad:
        auditlog.parse({"since": "2026-12-02", "until": "2026-12-01"})
    assert str(bad.value) == "until: the period ends before it starts: swap the dates."


def test_the_audit_page_in_german(functional_portal):
    case = build_case(functional_portal, states.IN_DISCUSSION)
    create_outsiders()
    transaction.commit()
    base = functional_portal.absolute_url()
    case_path = case.absolute_url_path()[len(functional_portal.absolute_url_path()) :]
    site = {"base": base}
    session(site, "lead", rest=False).get(case_path)
    page = session(site, "dpo", rest=False)
    page.headers["Accept-Language"] = "de"
    answer = page.get("/@@audit-log", params={"case": case.case_id})
    assert answer.status_code == 200
    assert "<td>Geöffnet</td>" in answer.text  # the lead opened the case
    assert "<td>Webseite</td>" in answer.text
    assert ">Opened<" not in answer.text
    bad = page.get("/@@audit-log", params={"until": "morgen"})
    assert bad.status_code == 400
    assert "ist kein Datum" in bad.text
