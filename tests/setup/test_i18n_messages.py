"""Messages made translatable this round come out in the reader's language,
with their variables filled (the catalogue test only checks the .po files)."""

import pytest
from zope.globalrequest import getRequest

from cpms import _
from cpms.collaboration import filecheck
from cpms.core.i18n import translate_to


@pytest.fixture
def german(portal):
    request = getRequest()
    request["LANGUAGE"] = "de"
    yield request
    request["LANGUAGE"] = ""


def test_an_upload_refusal_is_in_the_uploaders_language(german):
    with pytest.raises(filecheck.FileRefused) as refused:
        filecheck.check(b"", filename="befund.pdf")
    assert str(refused.value) == "befund.pdf wird abgelehnt. Die Datei ist leer."


def test_a_refusal_is_english_for_an_english_reader(portal):
    getRequest()["LANGUAGE"] = "en"
    with pytest.raises(filecheck.FileRefused) as refused:
        filecheck.check(b"<svg onload='x()'></svg>", filename="scan.svg")
    assert str(refused.value).startswith(
        "scan.svg is refused. SVG images can contain scripts"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Upload-Offset : 8 octets sont enregistrés"),
        ("pl", "Upload-Offset: zapisano 8 bajtów"),
    ],
)
def test_variables_are_filled_in_each_language(portal, language, expected):
    message = _(
        "Upload-Offset: ${stored} bytes are stored; send the rest from there "
        "(HEAD answers the offset), not from ${offset}.",
        mapping={"stored": 8, "offset": 4},
    )
    text = translate_to(message, language)
    assert text.startswith(expected) and "${" not in text and "4" in text
