"""Documents that run code or hide files are refused, naming file and reason.

Every file here is made by the test: PDFs with pikepdf, office packages with
zipfile, and the OLE compound files inside them (a VBA project, an embedded
object) with the small writer below, since olefile only reads them.
"""

import base64
import io
import struct
import zipfile

import pikepdf
import pytest
import transaction
from oletools import olevba
from plone import api
from plone.testing.zope import Browser

from cpms.cases import states
from cpms.collaboration.filecheck import FileRefused
from cpms.collaboration.filecheck import check
from cpms.core.pdf import ActivePDF
from cpms.core.pdf import active_content
from cpms.core.pdf import pdf_constraint
from cpms.core.roles import PANEL_MEMBER
from tests.collaboration.conftest import PASSWORD
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user

SECTOR = 512
FREE, END, FAT_SECTOR, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole_file(entries: list[tuple[str, int, bytes, list[int]]]) -> bytes:
    """A minimal OLE compound file (version 3, one FAT sector).

    ``entries``: (name, type 1 storage / 2 stream, data, children indexes);
    entry 0 is the root. Streams are padded to 4096 bytes so that none lives
    in the mini stream. Children of a storage are chained as right siblings.
    """
    streams = []
    dir_sectors = -(-len(entries) // 4)
    sector = 1 + dir_sectors  # 0: FAT, then the directory
    starts = {}
    for index, (_, kind, data, _) in enumerate(entries):
        if kind == 2:
            padded = data.ljust(max(4096, -(-len(data) // SECTOR) * SECTOR), b"\0")
            starts[index] = (sector, len(data))
            streams.append(padded)
            sector += len(padded) // SECTOR
    fat = [FAT_SECTOR] + [2 + i for i in range(dir_sectors - 1)] + [END]
    for padded in streams:
        count = len(padded) // SECTOR
        first = len(fat)
        fat += [first + i + 1 for i in range(count - 1)] + [END]
    assert len(fat) <= 128
    fat += [FREE] * (128 - len(fat))
    directory = b""
    siblings = {}
    children = {}
    for index, (_, _, _, kids) in enumerate(entries):
        if kids:
            children[index] = kids[0]
            for left, right in zip(kids, kids[1:], strict=False):
                siblings[left] = right
    for index, (name, kind, _, _) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\0\0"
        start, size = starts.get(index, (END if index == 0 else 0, 0))
        directory += struct.pack(
            "<64sHBBIII16sIQQIII",
            encoded,
            len(encoded),
            5 if index == 0 else kind,
            1,
            NOSTREAM,
            siblings.get(index, NOSTREAM),
            children.get(index, NOSTREAM),
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
            0,
        )
    directory = directory.ljust(SECTOR * dir_sectors, b"\0")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        1,
        1,
        0,
        4096,
        END,
        0,
        END,
        0,
    )
    header += struct.pack("<109I", 0, *([FREE] * 108))
    return header + struct.pack("<128I", *fat) + directory + b"".join(streams)


def vba_project() -> bytes:
    """vbaProject.bin: a PROJECT stream and a VBA storage with _VBA_PROJECT
    and dir, the structure MS-OVBA requires and olevba looks for."""
    return ole_file(
        [
            ("Root Entry", 5, b"", [1, 2]),
            ("PROJECT", 2, b'ID="{00000000}"\r\nDocument=ThisDocument/&H0', []),
            ("VBA", 1, b"", [3, 4]),
            ("_VBA_PROJECT", 2, b"\xcc\x61\xff\xff\x00\x00\x00", []),
            ("dir", 2, b"\x01" * 64, []),
        ]
    )


def ole_object() -> bytes:
    """An embedded object as Word stores it: an OLE file with Ole10Native."""
    return ole_file(
        [
            ("Root Entry", 5, b"", [1]),
            ("\x01Ole10Native", 2, b"\x20\0\0\0" + b"payload.exe\0" + b"MZ", []),
        ]
    )


def office_package(extra: dict[str, bytes], content_type="document.main+xml"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="'
            f"application/vnd.openxmlformats-officedocument.wordprocessingml.{content_type}"
            '"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return out.getvalue()


def pdf_bytes(change=None) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if change:
        change(pdf)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _open_action_script(pdf):
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Action,
            S=pikepdf.Name.JavaScript,
            JS=pikepdf.String("app.alert('opened')"),
        )
    )


def _embedded_file(pdf):
    pdf.attachments["results.xlsm"] = pikepdf.AttachedFileSpec(pdf, b"PK\x03\x04")


def _launch_on_page_open(pdf):
    pdf.pages[0].obj.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    )


def _xfa_form(pdf):
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array(), XFA=pikepdf.String("<xdp:xdp/>")
    )


def _document_javascript(pdf):
    script = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("1"))
    )
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("a"), script])
        )
    )


CLEAN_PDF = pdf_bytes()
CLEAN_DOCX = office_package({})
DOCM = office_package(
    {"word/vbaProject.bin": vba_project()},
    content_type="document.macroEnabled.main+xml",
)
DOCX_WITH_OLE = office_package({"word/embeddings/oleObject1.bin": ole_object()})


def test_the_test_files_are_what_they_claim():
    """olevba itself finds the macro project; pikepdf reads the scripts back."""
    parser = olevba.VBA_Parser("test.docm", data=DOCM)
    assert parser.detect_vba_macros()
    parser = olevba.VBA_Parser("test.docx", data=CLEAN_DOCX)
    assert not parser.detect_vba_macros()
    with pikepdf.open(io.BytesIO(pdf_bytes(_open_action_script))) as pdf:
        assert pikepdf.Name.JavaScript == pdf.Root.OpenAction.S


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_open_action_script, "JavaScript"),
        (_document_javascript, "JavaScript"),
        (_embedded_file, "embedded files"),
        (_launch_on_page_open, "an action that starts another program"),
        (_xfa_form, "an XFA form"),
    ],
)
def test_pdfs_with_active_content_are_refused_with_the_reason(change, reason):
    data = pdf_bytes(change)
    assert reason in active_content(data)
    with pytest.raises(FileRefused) as refused:
        check(data, filename="referral-letter.pdf")
    message = str(refused.value)
    assert message.startswith("referral-letter.pdf is refused.")
    assert reason in message
    assert "print it to a new PDF" in message


def test_office_files_with_macros_or_objects_are_refused():
    with pytest.raises(FileRefused) as refused:
        check(DOCM, filename="lab-results.docm")
    assert "lab-results.docm is refused. It contains macros." in str(refused.value)
    # The same bytes under an innocent name and without the macro content
    # type: olevba still finds the project.
    renamed = office_package({"word/vbaProject.bin": vba_project()})
    with pytest.raises(FileRefused, match="contains macros"):
        check(renamed, filename="lab-results.docx")
    with pytest.raises(FileRefused) as refused:
        check(DOCX_WITH_OLE, filename="summary.docx")
    assert "summary.docx is refused. It contains an embedded object (OLE)" in str(
        refused.value
    )


def test_clean_documents_are_accepted():
    assert check(CLEAN_PDF, filename="a.pdf").mimetype == "application/pdf"
    assert check(CLEAN_DOCX, filename="a.docx").label == "Word document"
    assert active_content(CLEAN_PDF) == []


def test_a_damaged_pdf_is_read_for_what_a_reader_might_still_run():
    assert active_content(b"%PDF-1.4 placeholder") == []
    assert active_content(b"%PDF-1.4\n<</S/Java#53cript/JS(x)>>") == ["JavaScript"]


def test_public_pdfs_are_held_to_the_same_rule():
    """Consent forms and newsletter issues use the core's PDF constraint."""
    from plone.namedfile.file import NamedBlobFile

    assert pdf_constraint(NamedBlobFile(CLEAN_PDF, filename="consent.pdf"))
    with pytest.raises(ActivePDF) as refused:
        pdf_constraint(
            NamedBlobFile(pdf_bytes(_open_action_script), filename="consent.pdf")
        )
    assert "consent.pdf is refused: it contains JavaScript" in refused.value.doc()


def _post(session, case, data, filename):
    return session.post(
        case.absolute_url(),
        json={
            "@type": "MedicalFile",
            "title": filename,
            "file": {
                "data": base64.b64encode(data).decode(),
                "encoding": "base64",
                "filename": filename,
            },
        },
    )


def test_rest_answers_400_naming_file_and_reason(functional_portal, rest):
    make_user("emil", fullname="Emil Expert")
    case = make_case(functional_portal)
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    from tests.collaboration.conftest import set_state

    set_state(case, states.IN_DISCUSSION)
    transaction.commit()
    session = rest("emil")
    for data, filename, reason in (
        (pdf_bytes(_open_action_script), "letter.pdf", "JavaScript"),
        (pdf_bytes(_embedded_file), "scan.pdf", "embedded files"),
        (DOCM, "results.docm", "macros"),
        (DOCX_WITH_OLE, "summary.docx", "an embedded object (OLE)"),
    ):
        response = _post(session, case, data, filename)
        assert response.status_code == 400, (filename, response.text)
        body = response.json()
        assert set(body) >= {"type", "message"}
        assert f"{filename} is refused" in body["message"]
        assert reason in body["message"]
    for data, filename in ((CLEAN_PDF, "clean.pdf"), (CLEAN_DOCX, "clean.docx")):
        response = _post(session, case, data, filename)
        assert response.status_code == 201, response.text
    transaction.begin()
    stored = sorted(
        o.file.filename for o in case.objectValues() if o.portal_type == "MedicalFile"
    )
    assert stored == ["clean.docx", "clean.pdf"]


def test_the_web_form_names_file_and_reason(functional_portal, functional):
    """The add form shows the refusal at the file field."""
    make_user("emil", fullname="Emil Expert")
    case = make_case(functional_portal)
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    from tests.collaboration.conftest import set_state

    set_state(case, states.IN_DISCUSSION)
    transaction.commit()
    browser = Browser(functional["app"])
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic emil:{PASSWORD}")
    browser.open(f"{case.absolute_url()}/++add++MedicalFile")
    browser.getControl(name="form.widgets.IBasic.title").value = "Results"
    browser.getControl(name="form.widgets.file").add_file(
        DOCM, "application/vnd.ms-word.document.macroEnabled.12", "results.docm"
    )
    browser.getControl(name="form.buttons.save").click()
    assert "results.docm is refused. It contains macros." in browser.contents
    transaction.begin()
    assert not [o for o in case.objectValues() if o.portal_type == "MedicalFile"]
