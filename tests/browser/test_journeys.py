"""A case's whole journey in headless Chromium, as its people click through it,
counting the pages each of them loads once logged in.

- the clinician enrols a case with its care consent, a file and two ICD-10
  codes and submits it: at most 3 page loads;
- the coordinator appoints the panel lead, invites two experts and opens the
  panel; the two experts contribute; the lead writes the outcome report,
  signs it and closes the case: the whole journey at most 15 page loads;
- the outside clinician whose referral was accepted completes the referred
  draft as its guest and submits it.

Every step goes through what a user sees: links and buttons by their
visible names, form fields by their labels.
"""

import re
from datetime import date
from urllib.parse import parse_qs
from urllib.parse import urlparse

import pytest
import transaction
from fpdf import FPDF
from playwright.sync_api import expect
from plone import api

from tests.browser.pages import PageLoads
from tests.browser.pages import axe_violations

pytestmark = pytest.mark.slow

ENROL_BUDGET = 3
JOURNEY_BUDGET = 15


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Urodynamics, 12 January 2026 (journey)")
    return bytes(pdf.output())


def choose_code(page, field: str, typed: str, pick: str | None = None) -> None:
    """Type into a coded field's tag widget and choose the term ``pick`` from
    the list (or take what was typed, for ICD-10 codes), as a user does:
    wait for the list of what was typed, choose, see the tag.

    The widget asks the server again after each pause in typing. On a busy
    machine the list of a partial term ("N31") can show the wanted entry
    and be replaced by the list of the whole term ("N31.9") between the
    press and the release of the mouse button: the release then lands on
    no entry, nothing is chosen and the list stays open over the form.
    Waiting for the answer to the whole term first avoids that race.
    """
    box = page.locator(f"#s2id_input-{field}")
    chosen = box.locator(".select2-search-choice")
    before = chosen.count()
    box.click()

    def whole_term(response) -> bool:
        url = urlparse(response.url)
        return url.path.endswith("@@getVocabulary") and parse_qs(url.query).get(
            "query"
        ) == [typed]

    with page.expect_response(whole_term):
        page.keyboard.type(typed)
    if pick:
        page.locator(".select2-result", has_text=pick).click()
    else:
        page.keyboard.press("Enter")
    expect(page.locator("#select2-drop")).to_be_hidden()
    expect(chosen).to_have_count(before + 1)
    expect(chosen.last).to_contain_text(pick or typed)


def expect_state(page, title: str) -> None:
    expect(page.locator(".cpms-case-badges .cpms-state")).to_have_text(title)


def open_case_from_my_cases(page, case_id: str) -> None:
    """From My cases (where a clinician lands after login) to the case."""
    page.get_by_role("link", name=re.compile(re.escape(case_id))).first.click()
    page.wait_for_load_state()


def enrol_and_submit(page) -> str:
    """The clinician's part, from My cases; returns the new case's id."""
    page.get_by_role("link", name="New case").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Nickname (required)").fill("Rowan Wren")
    page.get_by_label("Sex (required)").select_option(label="Female")
    page.get_by_label("Year of birth").fill("2019")
    page.get_by_label("Expertise area (required)").select_option(
        label="Paediatric and congenital urology: Posterior urethral valves (demo)"
    )
    choose_code(page, "orpha_codes", "posterior urethral", pick="ORPHA:93110")
    choose_code(page, "icd10_codes", "Q64.2", pick="(Q64.2)")
    choose_code(page, "icd10_codes", "N31.9", pick="(N31.9)")
    page.get_by_label("Clinical summary (required)").fill(
        "Valve ablation at birth; poor bladder emptying (journey)."
    )
    page.get_by_label("Clinical question (required)").fill(
        "Is clean intermittent catheterisation advised?"
    )
    consent = page.get_by_label("Consent form")
    consent.select_option(
        consent.locator("option", has_text="Care consent, English").get_attribute(
            "value"
        )
    )
    page.get_by_label("Date of consent").fill("2026-01-12")
    page.get_by_label("Reports, images, letters").set_input_files(
        [{"name": "urodynamics.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    page.get_by_role("button", name="Submit the case").click()
    page.wait_for_load_state("networkidle")
    expect_state(page, "Submitted")
    expect(page.locator(".cpms-chips")).to_contain_text(["ORPHA:93110"])
    expect(page.locator(".cpms-field-icd10_codes")).to_contain_text("Q64.2")
    expect(page.locator(".cpms-field-icd10_codes")).to_contain_text("N31.9")
    expect(page.locator("#discussion")).to_contain_text("urodynamics.pdf")
    return page.locator(".cpms-case-id").inner_text().strip()


def test_clinician_enrols_with_consent_and_submits(site, tab):
    page = tab("clinician")
    loads = PageLoads(page)
    enrol_and_submit(page)
    loads.mark("enrol, consent, file, submit")
    assert loads.count <= ENROL_BUDGET, str(loads)
    assert not axe_violations(page)


def test_enrol_form_with_errors_keeps_what_was_typed(site, tab):
    """Errors at the top and at each field, named, nothing lost, accessible."""
    page = tab("clinician")
    page.get_by_role("link", name="New case").first.click()
    page.get_by_label("Nickname (required)").fill("Rowan Wren")
    choose_code(page, "icd10_codes", "Q64.2", pick="(Q64.2)")
    choose_code(page, "icd10_codes", "N31.9", pick="(N31.9)")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_load_state("networkidle")
    summary = page.locator("#errors")
    expect(summary).to_contain_text("Sex")
    expect(summary).to_contain_text("Clinical summary")
    expect(page.get_by_label("Nickname (required)")).to_have_value("Rowan Wren")
    assert page.input_value("#input-icd10_codes") == "Q64.2;N31.9"
    assert not axe_violations(page)


def whole_journey(tab) -> list[tuple[str, int]]:
    """Enrol, assemble, open, contribute, report, sign, close: each person's
    page loads once logged in, in order."""
    budget = []

    # The clinician enrols and submits.
    clinician = tab("clinician")
    loads = PageLoads(clinician)
    case_id = enrol_and_submit(clinician)
    case_url = clinician.url.split("?")[0]
    budget.append(("clinician", loads.count))

    # The coordinator assembles the panel on the panel page and opens it.
    coordinator = tab("coordinator")
    loads = PageLoads(coordinator)
    coordinator.goto(case_url)  # from the mail or the dashboard
    expect_state(coordinator, "Submitted")
    coordinator.get_by_role("link", name="Manage the panel").click()
    coordinator.wait_for_load_state()
    # The case's expertise area and centre list their experts: tick two, choose
    # the lead and save them at once, then open the panel from the same page.
    # Lena and Eva work at centres outside the case's area: they are among
    # the network's other professionals, folded on the same form.
    coordinator.get_by_text("Other healthcare professionals of the network").click()
    for name in ("Emil Expert (demo)", "Eva Expert (demo)"):
        coordinator.get_by_label(name, exact=True).check()
    coordinator.get_by_label("Lead: Lena Lead (demo)", exact=True).check()
    coordinator.get_by_role(
        "button", name="Invite the ticked experts and appoint the lead"
    ).click()
    coordinator.wait_for_load_state()
    for name in ("Lena Lead (demo)", "Emil Expert (demo)", "Eva Expert (demo)"):
        expect(coordinator.locator(".cpms-panel-people")).to_contain_text(name)
    coordinator.get_by_role("main").get_by_role("button", name="Open panel").click()
    coordinator.wait_for_load_state()
    expect_state(coordinator, "In discussion")
    expect(coordinator.locator("#panel")).to_contain_text("Lena Lead (demo)")
    budget.append(("coordinator", loads.count))

    # Two experts contribute, from My cases.
    for expert, text in (
        ("expert1", "Catheterise; review in 3 months (journey)."),
        ("expert2", "Agreed; add an anticholinergic if unstable (journey)."),
    ):
        page = tab(expert)
        loads = PageLoads(page)
        open_case_from_my_cases(page, case_id)
        page.get_by_label("Your contribution").fill(text)
        page.get_by_role("button", name="Add your contribution").click()
        page.wait_for_load_state()
        expect(page.locator("#discussion")).to_contain_text(text)
        budget.append((expert, loads.count))

    # The lead writes the report, signs it and closes the case.
    lead = tab("lead")
    loads = PageLoads(lead)
    open_case_from_my_cases(lead, case_id)
    lead.get_by_role("link", name="Write the outcome report").click()
    lead.wait_for_load_state()
    lead.get_by_label("Findings").fill("Incomplete emptying after valve ablation.")
    lead.get_by_label("Recommendations").fill("Clean intermittent catheterisation.")
    lead.get_by_role("button", name="Save").click()
    lead.wait_for_load_state()
    if lead.url.split("?")[0].rstrip("/") != case_url:
        # Saved on the report's own page: back to the case by its breadcrumb.
        lead.locator("#portal-breadcrumbs").get_by_role("link", name=case_id).click()
        lead.wait_for_load_state()
    lead.get_by_role("button", name="Sign").click()
    lead.wait_for_load_state()
    lead.get_by_role("button", name="Close").click()
    lead.wait_for_load_state()
    expect_state(lead, "Closed")
    expect(lead.get_by_role("link", name=re.compile("PDF"))).to_have_count(1)
    budget.append(("lead", loads.count))
    return budget


# The budget test reuses the journey of the test before it in the same run.
_JOURNEY = {}


def _spent(budget) -> str:
    total = sum(count for _, count in budget)
    return f"{total} page loads (" + ", ".join(f"{w}: {n}" for w, n in budget) + ")"


def test_case_from_enrolment_to_closing(site, tab):
    """Every step of the journey works through the pages, and the clinician's
    part keeps its budget."""
    budget = whole_journey(tab)
    _JOURNEY["budget"] = budget
    assert budget[0][1] <= ENROL_BUDGET, _spent(budget)


def test_whole_journey_within_15_page_loads(site, tab):
    budget = _JOURNEY.get("budget") or whole_journey(tab)
    total = sum(count for _, count in budget)
    assert total <= JOURNEY_BUDGET, _spent(budget)


@pytest.fixture
def referred_draft(site, demo_functional_portal):
    """The demo referral from the demo user "guest" accepted by the
    coordinator: its case is a draft the guest is invited to complete."""
    portal = demo_functional_portal
    referral = portal["referrals"]["demo-referral-2"]
    with api.env.adopt_user(username="coordinator"):
        api.content.transition(obj=referral, transition="accept")
    transaction.commit()
    with api.env.adopt_roles(["Manager"]):
        case = api.content.get(UID=referral.case_uid)
    assert "Guest Clinician" in api.user.get_roles(
        username="guest", obj=case, inherit=False
    ), "accepting the referral should make the referrer the case's guest"
    return case


def test_guest_completes_the_referred_draft_and_submits(referred_draft, site, tab):
    case_id = referred_draft.case_id
    page = tab("guest")
    loads = PageLoads(page)
    open_case_from_my_cases(page, case_id)
    expect_state(page, "Draft")
    edit = page.get_by_role("link", name="Edit the case and its consent")
    edit.click()
    page.wait_for_load_state("networkidle")
    # The referral gave the age in words ("Boy, 11 years"): the guest codes it.
    if page.get_by_label("Year of birth").input_value() == "":
        page.get_by_label("Year of birth").fill(str(date.today().year - 11))
    # The member centre that took the referral is the case's: the outside
    # guest, who belongs to none, is not asked to choose one.
    expect(page.get_by_label("Referring centre (required)")).to_have_count(0)
    if page.get_by_label("Sex (required)").input_value() == "":
        page.get_by_label("Sex (required)").select_option(label="Male")
    expertise = page.get_by_label("Expertise area (required)")
    if expertise.input_value() == "":
        expertise.select_option(index=1)
    consent = page.get_by_label("Consent form")
    consent.select_option(
        consent.locator("option", has_text="Care consent, English").get_attribute(
            "value"
        )
    )
    page.get_by_label("Date of consent").fill(date.today().isoformat())
    page.get_by_role("button", name="Submit the case").click()
    page.wait_for_load_state("networkidle")
    expect_state(page, "Submitted")
    assert loads.count <= 3, str(loads.count)
