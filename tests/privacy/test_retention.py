"""The retention job: what is due is erased, on time and not before."""

import os
import subprocess
import sys
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import time_machine
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

from cpms.cases import states
from cpms.privacy import erasure
from cpms.privacy.retention import apply_retention
from tests.security.helpers import NICKNAME
from tests.security.helpers import build_case
from tests.security.helpers import child
from tests.security.helpers import do
from tests.security.helpers import userid

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def _erased_ids():
    return [e["case"] for e in apply_retention()["erased"]]


def test_closed_case_erased_after_the_retention_years(portal):
    api.portal.set_registry_record("cpms.privacy.retention_years_after_closure", 10)
    with time_machine.travel(START, tick=False):
        closed = build_case(portal, states.CLOSED)
        still_open = build_case(portal, states.IN_DISCUSSION)
    with time_machine.travel(START + timedelta(days=365 * 10 - 5), tick=False):
        assert _erased_ids() == []
    with time_machine.travel(START + timedelta(days=365 * 10 + 5), tick=False):
        assert _erased_ids() == [closed.case_id]
        assert closed.nickname == erasure.NICKNAME_TOMBSTONE
        assert still_open.nickname == NICKNAME
        # Once erased, never again.
        assert _erased_ids() == []


def test_zero_years_keeps_cases(portal):
    api.portal.set_registry_record("cpms.privacy.retention_years_after_closure", 0)
    with time_machine.travel(START, tick=False):
        build_case(portal, states.ARCHIVED)
    with time_machine.travel(START + timedelta(days=365 * 50), tick=False):
        assert _erased_ids() == []


def test_withdrawn_care_consent_erased_after_the_grace_period(portal):
    api.portal.set_registry_record("cpms.privacy.erase_after_care_withdrawal_days", 30)
    with time_machine.travel(START, tick=False):
        case = build_case(portal, states.ARCHIVED)
        do(child(case, "ConsentRecord"), states.WITHDRAW_CONSENT, userid("owner"))
    with time_machine.travel(START + timedelta(days=29), tick=False):
        assert _erased_ids() == []
    with time_machine.travel(START + timedelta(days=31), tick=False):
        assert _erased_ids() == [case.case_id]
    assert "grace period" in erasure.erased(case)["reason"]


@pytest.mark.slow
def test_make_target_calls_the_endpoint(demo_functional_portal):
    """``make apply-retention`` runs scripts/apply_retention.py, which posts
    to the site's @retention; a wrong password is refused."""
    env = {
        **os.environ,
        "CPMS_URL": demo_functional_portal.absolute_url(),
        "CPMS_RETENTION_USER": SITE_OWNER_NAME,
        "CPMS_RETENTION_PASSWORD": SITE_OWNER_PASSWORD,
    }
    script = [sys.executable, str(ROOT / "scripts" / "apply_retention.py")]
    done = subprocess.run(script, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Erased 0 case(s)" in done.stdout
    env["CPMS_RETENTION_PASSWORD"] = "wrong"
    refused = subprocess.run(
        script, env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 1
    assert "401" in refused.stdout


def test_endpoint_refuses_others(demo_functional_portal):
    from cpms.demo import DEMO_PASSWORD

    response = requests.post(
        f"{demo_functional_portal.absolute_url()}/@retention",
        headers={"Accept": "application/json"},
        auth=("coordinator", DEMO_PASSWORD),
        timeout=30,
    )
    assert response.status_code == 401
