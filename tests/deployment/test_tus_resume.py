"""A 200 MB file sent in pieces to a real Zope survives a dropped connection.

The instance is rendered from instance/templates/ (its zope.conf gives the
pieces a directory, TUS_TMP_FILE_DIR). The demo clinician enrols a case and
sends a 200 MB TIFF (a header and zeros, made piece by piece: the client never
holds more than one piece) to the case's ``@tus-upload`` in 8 MB pieces. In
the middle, one piece's connection is cut after half of its bytes; the
client asks the server where it stands (HEAD), goes on from that offset, and
the file arrives whole, as a medical file of the case.
"""

import base64
import socket
import struct
import time
from urllib.parse import urlsplit

import pytest
import requests

from tests.deployment.instance import DEMO_PASSWORD
from tests.deployment.instance import Instance
from tests.deployment.instance import copy_template
from tests.deployment.instance import demo_template

pytestmark = pytest.mark.slow

SIZE = 200 * 1024 * 1024
PIECE = 8 * 1024 * 1024
CUT_AT_PIECE = 12  # the piece whose connection is dropped half-way
TUS = {"Tus-Resumable": "1.0.0"}
HEADER = b"II*\x00" + struct.pack("<I", 8)  # a TIFF: little-endian, no image


@pytest.fixture
def zope(tmp_path_factory, tmp_path):
    copy_template(demo_template(tmp_path_factory), tmp_path)
    instance = Instance(tmp_path).start()
    yield instance
    instance.stop()


def piece(offset: int) -> bytes:
    """The bytes of the file from ``offset``, one piece long (or to the end)."""
    length = min(PIECE, SIZE - offset)
    data = bytearray(length)
    if offset < len(HEADER):
        data[: len(HEADER) - offset] = HEADER[offset:]
    return bytes(data)


def cut_connection(url: str, offset: int, data: bytes) -> None:
    """Send a PATCH whose connection drops after half of its body."""
    parts = urlsplit(url)
    auth = base64.b64encode(f"clinician:{DEMO_PASSWORD}".encode()).decode()
    head = (
        f"PATCH {parts.path} HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n"
        f"Authorization: Basic {auth}\r\n"
        "Accept: application/json\r\n"
        "Tus-Resumable: 1.0.0\r\n"
        "Content-Type: application/offset+octet-stream\r\n"
        f"Upload-Offset: {offset}\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode()
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    sock.sendall(head + data[: len(data) // 2])
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # a reset, as when a train enters a tunnel


def test_a_200_mb_upload_survives_a_dropped_connection(zope):
    session = requests.Session()
    session.auth = ("clinician", DEMO_PASSWORD)
    session.headers["Accept"] = "application/json"
    case = session.post(
        f"{zope.url}/cases",
        json={
            "@type": "Case",
            "nickname": "Large Upload",
            "sex": "female",
            "age_band": "2-11y",
            "referring_hcp": "danube-university-hospital",
            "expertise_area": "bladder-exstrophy",
            "clinical_summary": "Synthetic case for a large upload.",
            "clinical_question": "Does a large file arrive whole?",
        },
    )
    assert case.status_code == 201, case.text
    case_url = case.json()["@id"]
    started = time.monotonic()
    name = base64.b64encode(b"whole-slide-scan.tif").decode()
    created = session.post(
        f"{case_url}/@tus-upload",
        headers=TUS
        | {"Upload-Length": str(SIZE), "Upload-Metadata": f"filename {name}"},
    )
    assert created.status_code == 201, created.text
    location = created.headers["Location"]

    offset, cuts, pieces = 0, 0, 0
    done = None
    while offset < SIZE:
        data = piece(offset)
        if pieces == CUT_AT_PIECE and not cuts:
            cut_connection(location, offset, data)
            cuts += 1
            # Where does the server stand? Nothing of the cut piece is kept.
            head = session.head(location, headers=TUS)
            assert head.status_code == 200
            assert int(head.headers["Upload-Offset"]) == offset == CUT_AT_PIECE * PIECE
            continue
        answer = session.patch(
            location,
            data=data,
            headers=TUS
            | {
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
            },
        )
        assert answer.status_code == 204, answer.text
        offset = int(answer.headers["Upload-Offset"])
        pieces += 1
        done = answer
    seconds = time.monotonic() - started
    assert cuts == 1
    item_url = done.headers["Location"]
    item = session.get(item_url).json()
    assert item["@type"] == "MedicalFile"
    assert item["file"]["size"] == SIZE
    assert item["file"]["filename"] == "whole-slide-scan.tif"
    assert item["kind"] == "TIFF image"
    with session.get(f"{item_url}/@@download/file", stream=True) as download:
        assert download.raw.read(len(HEADER)) == HEADER
    print(f"200 MB in {pieces} pieces, one connection cut: {seconds:.1f} s")
