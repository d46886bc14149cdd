"""Many people writing at once: case numbers, /cases and the items of a case.

Independent writes must not conflict (a ZODB ConflictError makes Zope redo
the request, and fail it after a few tries): case numbers are taken like a
database sequence, /cases and each case are unordered BTrees, and adding an
item does not write its container.
"""

import threading
from html import unescape

import pytest
import transaction
from BTrees.IIBTree import IIBTree
from persistent.mapping import PersistentMapping
from plone import api
from plone.app.contenttypes.content import Folder
from plone.app.testing import SITE_OWNER_NAME
from plone.dexterity.utils import createContent
from plone.dexterity.utils import createContentInContainer
from plone.folder.unordered import UnorderedOrdering
from plone.namedfile.file import NamedBlobFile
from plone.testing.zope import Browser
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import setSite
from zope.container.interfaces import INameChooser

from cpms.cases.case_id import COUNTER_KEY
from cpms.cases.case_id import create_case
from cpms.cases.case_id import next_case_id
from cpms.cases.content.cases_folder import CasesFolder
from cpms.cases.content.items import SEQUENCES_KEY
from cpms.cases.setup import setup_cases_folder
from cpms.collaboration.dashboard import item_facts
from cpms.demo import DEMO_PASSWORD
from tests.helpers.cases import make_case
from tests.helpers.network import make_test_network


def number_of(case_id: str) -> int:
    return int(case_id.rsplit("-", 1)[1])


def test_a_number_is_never_given_twice_even_when_an_enrolment_is_abandoned(
    portal, case_data
):
    first = next_case_id()
    # The enrolment that took it is abandoned: the number stays taken, as in
    # a database sequence (its transaction of its own was committed).
    transaction.abort()
    second = next_case_id()
    assert number_of(second) > number_of(first)


def test_numbers_taken_at_the_same_moment_all_differ(functional_portal):
    """Eight enrolments at once, each in its own connection, as Zope's threads."""
    db = functional_portal._p_jar.db()
    path = functional_portal.getPhysicalPath()
    taken, errors = [], []
    start = threading.Barrier(8)

    def enrol_numbers():
        tm = transaction.TransactionManager()
        connection = db.open(transaction_manager=tm)
        try:
            portal = connection.root()["Application"].unrestrictedTraverse(path)
            setSite(portal)
            start.wait()
            for _ in range(10):
                taken.append(next_case_id())
                tm.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            setSite(None)
            tm.abort()
            connection.close()

    threads = [threading.Thread(target=enrol_numbers) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(taken) == 80
    assert len(set(taken)) == 80
    numbers = sorted(number_of(t) for t in taken)
    # Nothing was abandoned: the 80 numbers follow each other.
    assert numbers == list(range(numbers[0], numbers[0] + 80))


def test_a_counter_of_the_first_version_is_carried_on(portal):
    IAnnotations(portal)[COUNTER_KEY] = PersistentMapping({2031: 41})
    assert next_case_id(2031) == "ERN-2031-000042"
    assert next_case_id(2031) == "ERN-2031-000043"


def test_cases_folder_is_unordered_and_an_enrolment_leaves_it_as_it_was(
    portal, case_data
):
    folder = portal["cases"]
    assert isinstance(folder.getOrdering(), UnorderedOrdering)
    assert folder.portal_type == "Folder"
    modified = folder.modified()
    transaction.savepoint()  # what the fixtures wrote is stored
    case = create_case(folder, **case_data)
    assert case.getId() in folder
    assert folder.modified() == modified
    # The folder object itself is not written: only its BTree of cases.
    assert not folder._p_changed
    brain = api.content.find(UID=folder.UID())[0]
    assert brain.modified == modified


def test_an_item_leaves_its_case_as_it_was(portal, case):
    transaction.savepoint()  # the case is stored, as after its enrolment
    assert isinstance(case.getOrdering(), UnorderedOrdering)
    modified = case.modified()
    with api.env.adopt_roles(["Manager"]):
        contribution = createContentInContainer(
            case, "Contribution", checkConstraints=False, text="An opinion."
        )
    assert contribution.getId() in case
    assert case.modified() == modified
    # The case object itself is not written: only its BTree of items.
    assert not case._p_changed
    # The case's catalog record is left as it was; the dashboards count the
    # contribution from its own record.
    (brain,) = api.content.find(UID=case.UID())
    assert brain.modified == modified
    assert item_facts([brain])[brain.getPath()].contributions == 1
    with api.env.adopt_roles(["Manager"]):
        api.content.delete(obj=contribution)
    assert item_facts([brain])[brain.getPath()].contributions == 0


def test_setup_makes_an_existing_cases_folder_a_cases_folder(portal):
    folder = portal["cases"]
    folder.__class__ = Folder  # as made before this setup existed
    folder.setOrdering("")
    setup_cases_folder(portal)
    assert type(portal["cases"].aq_base) is CasesFolder
    assert isinstance(portal["cases"].getOrdering(), UnorderedOrdering)
    # Same type, same schema and behaviours.
    assert portal["cases"].portal_type == "Folder"
    assert portal["cases"].exclude_from_nav is False


@pytest.fixture
def stored_case(functional_portal):
    """A case committed, as after its enrolment."""
    network = make_test_network(functional_portal)
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        case = make_case(functional_portal, SITE_OWNER_NAME, network)
    transaction.commit()
    return case


def test_items_posted_at_the_same_moment_get_different_names(stored_case):
    """Eight experts name a contribution at once, five times each: Plone's
    way (the first free number) would give several of them the same name."""
    db = stored_case._p_jar.db()
    path = stored_case.getPhysicalPath()
    names, errors = [], []
    start = threading.Barrier(8)

    def name_contributions():
        tm = transaction.TransactionManager()
        connection = db.open(transaction_manager=tm)
        try:
            case = connection.root()["Application"].unrestrictedTraverse(path)
            setSite(case.aq_parent.aq_parent)
            start.wait()
            with api.env.adopt_user(username=SITE_OWNER_NAME):
                for _ in range(5):
                    contribution = createContent("Contribution", text="An opinion.")
                    names.append(INameChooser(case).chooseName(None, contribution))
                    tm.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            setSite(None)
            tm.abort()
            connection.close()

    threads = [threading.Thread(target=name_contributions) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(names) == sorted(
        ["contribution"] + [f"contribution-{n}" for n in range(1, 40)]
    )


def test_items_named_before_sequences_are_counted(portal, case):
    with api.env.adopt_roles(["Manager"]):
        for name in ("contribution", "contribution-1"):
            createContentInContainer(
                case, "Contribution", checkConstraints=False, id=name, text="Old."
            )
    del IAnnotations(case)[SEQUENCES_KEY]  # as in a case made before them
    with api.env.adopt_roles(["Manager"]):
        third = createContentInContainer(
            case, "Contribution", checkConstraints=False, text="Now."
        )
    assert third.getId() == "contribution-2"


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_files_are_numbered_from_their_title(portal, case):
    with api.env.adopt_roles(["Manager"]):
        names = [
            createContentInContainer(
                case,
                "MedicalFile",
                checkConstraints=False,
                title="Ultrasound report",
                file=NamedBlobFile(data=PDF, filename="scan.pdf"),
            ).getId()
            for _ in range(3)
        ]
    assert names == ["ultrasound-report", "ultrasound-report-1", "ultrasound-report-2"]


def test_upgrade_step_brings_an_existing_site_along(portal, case, setup_tool):
    """A site from before: /cases a plain ordered Folder, an old counter, the
    dashboards' item columns, a dict posting in the text index."""
    folder = portal["cases"]
    folder.__class__ = Folder
    folder.setOrdering("")
    IAnnotations(portal)[COUNTER_KEY] = PersistentMapping({2031: 7})
    del IAnnotations(case)[SEQUENCES_KEY]
    catalog = portal.portal_catalog
    catalog.addColumn("case_contribution_count")
    okapi = catalog._catalog.getIndex("SearchableText").index
    wid = next(iter(okapi._wordinfo.keys()))
    okapi._wordinfo[wid] = dict(okapi._wordinfo[wid])
    setup_tool.setLastVersionForProfile("cpms:default", "20261201001")

    setup_tool.upgradeProfile("cpms:default")

    assert type(portal["cases"].aq_base) is CasesFolder
    assert isinstance(portal["cases"].getOrdering(), UnorderedOrdering)
    assert next_case_id(2031) == "ERN-2031-000008"
    assert SEQUENCES_KEY in IAnnotations(case)
    assert "case_contribution_count" not in catalog.schema()
    assert isinstance(okapi._wordinfo[wid], IIBTree)
    (brain,) = api.content.find(UID=case.UID())
    assert isinstance(brain.case_roles, tuple)
    assert setup_tool.listUpgrades("cpms:default") == []


# --- the web form when someone else changed the case meanwhile -----------------


@pytest.fixture
def editing(demo_functional):
    """The demo clinician with the edit form of their draft open."""
    transaction.commit()
    portal = demo_functional["portal"]
    browser = Browser(demo_functional["app"])
    browser.handleErrors = False
    browser.open(f"{portal.absolute_url()}/login")
    browser.getControl(name="__ac_name").value = "clinician"
    browser.getControl(name="__ac_password").value = DEMO_PASSWORD
    browser.getControl(name="buttons.login").click()
    case = portal["cases"]["demo-blue-heron"]
    browser.open(f"{case.absolute_url()}/@@edit-case")
    return browser, case


def someone_else_sets(case, **fields):
    transaction.begin()
    for name, value in fields.items():
        setattr(case, name, value)
    case.reindexObject()
    transaction.commit()


def test_a_field_both_changed_is_not_saved_over_and_what_was_typed_stays(editing):
    browser, case = editing
    someone_else_sets(case, nickname="Grey Heron")
    browser.getControl(name="field.nickname").value = "Rowan Wren"
    browser.getControl(name="form.save").click()

    page = unescape(browser.contents)
    assert "Not saved: someone else changed this case" in page
    assert 'someone else changed it while you were editing, to "Grey Heron"' in page
    assert browser.getControl(name="field.nickname").value == "Rowan Wren"
    transaction.begin()
    assert case.nickname == "Grey Heron"

    # Saving again, now knowing, replaces theirs.
    browser.getControl(name="form.save").click()
    assert "Your changes are saved" in browser.contents
    transaction.begin()
    assert case.nickname == "Rowan Wren"


def test_a_field_only_someone_else_changed_keeps_their_value(editing):
    browser, case = editing
    someone_else_sets(case, clinical_question="Which imaging first?")
    browser.getControl(name="field.nickname").value = "Rowan Wren"
    browser.getControl(name="form.save").click()

    assert "Your changes are saved" in browser.contents
    transaction.begin()
    assert case.nickname == "Rowan Wren"
    assert case.clinical_question == "Which imaging first?"
