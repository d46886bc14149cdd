"""Each recipient reads a notification in the language they chose.

The mails are read from the real SMTP process (tests/helpers/smtp.py): the
same event reaches a Polish, a German and an English reader, each in their
own language, dates in their own locale.
"""

from datetime import UTC
from datetime import date
from datetime import datetime

import time_machine
import transaction
from plone import api

from cpms.core.roles import PANEL_LEAD
from cpms.identity import guests
from cpms.notifications import digest
from cpms.notifications import preferences
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user


def _reader(userid, language, fullname):
    make_user(userid, fullname=fullname)
    if language:
        api.user.get(userid=userid).setMemberProperties({"language": language})
    return userid


def test_one_event_three_languages(functional_portal, smtp_server):
    smtp_server.connect(functional_portal)
    _reader("lena", None, "Dr Lena")
    readers = {
        "ola": _reader("ola", "pl", "Dr Ola Nowak"),
        "dirk": _reader("dirk", "de", "Dr Dirk Braun"),
        "emma": _reader("emma", "en", "Dr Emma Hill"),
    }
    case = make_case(functional_portal, nickname="Blue Heron")
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    transaction.commit()

    # One event: the lead invites all three to the panel (one mail each).
    from cpms.collaboration import panel

    with api.env.adopt_user(username="lena"):
        panel.invite(case, sorted(readers.values()))
    transaction.commit()
    mails = {m["To"].split("@")[0]: m for m in smtp_server.wait_for(3)}
    label = f"{case.case_id} (Blue Heron)"

    polish = mails["ola"]
    assert polish["Subject"] == f"[CPMS] Zaproszenie do panelu przypadku {label}"
    text = polish.get_content()
    assert f"Zaproszono Cię do panelu ekspertów przypadku {label}." in text
    assert f"Otwórz przypadek: {case.absolute_url()}" in text
    assert "Dane kliniczne pozostają w portalu" in text
    assert "invited" not in text and "Open the case" not in text

    german = mails["dirk"]
    assert german["Subject"] == f"[CPMS] Einladung in das Panel des Falls {label}"
    assert "Sie wurden in das Expertenpanel" in german.get_content()

    english = mails["emma"]
    assert english["Subject"] == f"[CPMS] Invitation to the panel of case {label}"
    assert "You were invited to the expert panel" in english.get_content()


def test_dates_in_the_readers_locale(functional_portal, smtp_server):
    smtp_server.connect(functional_portal)
    make_user("lena", fullname="Dr Lena")
    _reader("ola", "pl", "Dr Ola Nowak")
    _reader("dirk", "de", "Dr Dirk Braun")
    case = make_case(functional_portal, nickname="Blue Heron")
    transaction.commit()
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False):
        for userid in ("ola", "dirk"):
            guests.grant_guest_access(case, userid, date(2027, 1, 15))
        transaction.commit()
    mails = {m["To"].split("@")[0]: m for m in smtp_server.wait_for(2)}
    assert "do 15 stycznia 2027" in mails["ola"].get_content()
    assert "bis 15. Januar 2027" in mails["dirk"].get_content()


def test_the_digest_in_the_readers_language(functional_portal, smtp_server):
    smtp_server.connect(functional_portal)
    make_user("lena", fullname="Dr Lena")
    _reader("ola", "pl", "Dr Ola Nowak")
    preferences.set_mode("ola", preferences.DIGEST)
    case = make_case(functional_portal, nickname="Blue Heron")
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    transaction.commit()
    from cpms.collaboration import panel

    with api.env.adopt_user(username="lena"):
        panel.invite(case, ["ola"])
    transaction.commit()
    assert digest.send_digests() == 1
    transaction.commit()
    (mail,) = smtp_server.wait_for(1)
    assert mail["Subject"] == "[CPMS] Codzienne podsumowanie: 1 aktualizacji"
    text = mail.get_content()
    assert "Co wydarzyło się w Twoich przypadkach" in text
    assert "Zaproszono Cię do panelu ekspertów przypadku" in text
