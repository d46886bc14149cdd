"""kill -9 during concurrent writes loses no acknowledged write.

A real Zope process (rendered from instance/templates/ like `make start`),
on FileStorage and on RelStorage (a throwaway PostgreSQL), serves the demo
site.  Writers in threads create cases (the clinician) and contributions to a
case in discussion (two experts) over REST; after a few seconds the process
gets SIGKILL, in the middle of their requests.  Then it is started again,
which opens the database (FileStorage checks its index against the file,
RelStorage reconnects), and every write that had been answered with a 2xx must
be there.  Three rounds per storage; each round's check runs on the restarted
process, which the next round then kills.
"""

import os
import random
import signal
import threading
import time

import pytest
import requests

from tests.deployment.instance import ADMIN_PASSWORD
from tests.deployment.instance import DEMO_PASSWORD
from tests.deployment.instance import Instance
from tests.deployment.instance import copy_template
from tests.deployment.instance import demo_template
from tests.deployment.instance import load_into_relstorage
from tests.deployment.processes import PostgresServer

pytestmark = pytest.mark.slow

SEED = 9
ROUNDS = 3
CASE = {
    "@type": "Case",
    "nickname": "Crash Test",
    "sex": "female",
    "age_band": "2-11y",
    "referring_hcp": "danube-university-hospital",
    "expertise_area": "bladder-exstrophy",
    "clinical_summary": "Written while the server is killed.",
    "clinical_question": "Does every acknowledged write survive?",
}
IN_DISCUSSION = "cases/demo-silver-otter"


@pytest.fixture(params=["filestorage", "relstorage"])
def zope(request, tmp_path_factory, tmp_path):
    template = demo_template(tmp_path_factory)
    if request.param == "filestorage":
        copy_template(template, tmp_path)
        yield Instance(tmp_path)
        return
    postgres = PostgresServer().start()
    try:
        dsn = postgres.create_database("cpms")
        load_into_relstorage(template, dsn, tmp_path)
        yield Instance(tmp_path, storage="relstorage", dsn=dsn)
    finally:
        postgres.stop()


class Writer(threading.Thread):
    """POSTs `body` to `path` as `user` until the server dies; keeps what was 2xx."""

    def __init__(self, url, user, path, body):
        super().__init__(daemon=True)
        self.url, self.path, self.body = url, path, body
        self.session = requests.Session()
        self.session.auth = (user, DEMO_PASSWORD)
        self.session.headers["Accept"] = "application/json"
        self.acknowledged = []
        self.refused = []

    def run(self):
        number = 0
        while True:
            number += 1
            body = dict(self.body)
            for key in ("nickname", "text"):
                if key in body:
                    body[key] = f"{body[key]} {self.name} {number}"
            try:
                answer = self.session.post(
                    f"{self.url}/{self.path}", json=body, timeout=60
                )
            except requests.RequestException:
                return  # killed
            if 200 <= answer.status_code < 300:
                self.acknowledged.append(answer.json()["@id"])
            else:
                self.refused.append((answer.status_code, answer.text[:200]))


def kill(instance):
    os.killpg(instance.server.process.pid, signal.SIGKILL)
    instance.server.process.wait(30)


def test_no_acknowledged_write_is_lost(zope):
    rng = random.Random(SEED)
    admin = requests.Session()
    admin.auth = ("admin", ADMIN_PASSWORD)
    admin.headers["Accept"] = "application/json"
    acknowledged = []
    zope.start()
    try:
        for round_ in range(ROUNDS):
            writers = [
                Writer(zope.url, "clinician", "cases", CASE),
                Writer(zope.url, "expert1", IN_DISCUSSION, {
                    "@type": "Contribution", "text": "Expert one says",
                }),
                Writer(zope.url, "expert2", IN_DISCUSSION, {
                    "@type": "Contribution", "text": "Expert two says",
                }),
            ]  # fmt: skip
            for writer in writers:
                writer.start()
            time.sleep(rng.uniform(2, 4))
            kill(zope)
            for writer in writers:
                writer.join(60)
            written = [url for writer in writers for url in writer.acknowledged]
            refused = [r for writer in writers for r in writer.refused]
            print(
                f"\nround {round_ + 1}: {len(written)} writes acknowledged, "
                f"{len(refused)} refused {refused[:3]}"
            )
            assert written, "no write was acknowledged before the kill"
            # Conflicts between the writers may be refused (409), never 5xx.
            assert all(status < 500 for status, _text in refused), refused
            acknowledged.extend(written)

            zope.start()  # opens the database again
            lost = [
                url
                for url in acknowledged
                if admin.get(url, timeout=60).status_code != 200
            ]
            assert not lost, f"{len(lost)} acknowledged writes lost: {lost[:5]}"
    finally:
        zope.stop()
