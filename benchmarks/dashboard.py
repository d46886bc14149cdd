"""Server time of the dashboards with thousands of cases (not a test).

    .venv/bin/python benchmarks/dashboard.py [--cases 5000]

Builds a throwaway site in memory (the test layer, run as a script), creates
the cases with their panels and workflow states, then times the dashboard
data (``@my-cases`` for a busy panel lead and a clinician,
``@coordinator-dashboard``) as the REST services compute it, over the catalog
only.  Prints the median and the slowest of several runs.
"""

import argparse
import random
import statistics
import time

STATES = ["draft"] * 10 + ["submitted"] * 15 + ["in_discussion"] * 40 + ["closed"] * 35


def set_up_layer(layer, done):
    for base in layer.__bases__:
        set_up_layer(base, done)
    if layer not in done:
        layer.setUp()
        done.append(layer)


def timed_runs(function, runs=7):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(times), max(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()

    from cpms.testing import INTEGRATION_TESTING

    done = []
    set_up_layer(INTEGRATION_TESTING, done)
    INTEGRATION_TESTING.testSetUp()
    try:
        run(INTEGRATION_TESTING["portal"], args.cases)
    finally:
        INTEGRATION_TESTING.testTearDown()
        for layer in reversed(done):
            layer.tearDown()


def run(portal, count):
    import transaction
    from DateTime import DateTime
    from plone import api
    from plone.app.testing import SITE_OWNER_NAME

    from cpms.cases.case_id import create_case
    from cpms.collaboration import dashboard

    random.seed(4)
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        area = api.content.create(
            container=portal["network"],
            type="ExpertiseArea",
            title="Area",
            workstream="W",
        )
        provider = api.content.create(
            container=portal["network"],
            type="HealthcareProvider",
            title="HCP",
            country="AT",
            city="Graz",
            expertise_areas=[area.UID()],
        )
        clinicians = [f"clin{i}" for i in range(50)]
        experts = [f"exp{i}" for i in range(100)]
        for userid in [*clinicians, *experts]:
            api.user.create(
                username=userid,
                email=f"{userid}@example.invalid",
                password="secret-pass-123",  # noqa: S106 - throwaway site
                roles=["Member", "Healthcare Professional"],
            )
    wf_tool = api.portal.get_tool("portal_workflow")
    workflow = wf_tool.getWorkflowById("cpms_case_workflow")
    start = time.perf_counter()
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        for number in range(count):
            owner = random.choice(clinicians)
            case = create_case(
                portal["cases"],
                nickname=f"Bench {number}",
                sex="female",
                year_of_birth=2010,
                referring_hcp=provider.UID(),
                referring_clinician=owner,
                urgent=random.random() < 0.1,
                expertise_area=area.UID(),
                clinical_summary="Synthetic.",
                clinical_question="Synthetic?",
            )
            case.manage_delLocalRoles([SITE_OWNER_NAME])
            case.manage_setLocalRoles(owner, ["Owner"])
            state = random.choice(STATES)
            if state != "draft":
                # exp0 is a busy lead: on one case in ten.
                lead = "exp0" if number % 10 == 0 else random.choice(experts)
                case.manage_setLocalRoles(lead, ["Panel Lead"])
                for member in random.sample(experts, 4):
                    if member != lead:
                        case.manage_setLocalRoles(member, ["Panel Member"])
            days_ago = random.randint(1, 400)
            history = []
            for step, name in enumerate(
                ("submitted", "in_discussion", "closed")[
                    : ("draft", "submitted", "in_discussion", "closed").index(state)
                ]
            ):
                history.append(
                    {
                        "action": name,
                        "review_state": name,
                        "actor": owner,
                        "comments": "",
                        "time": DateTime() - days_ago + step * random.randint(3, 30),
                    }
                )
            for entry in history:
                wf_tool.setStatusOf("cpms_case_workflow", case, entry)
            workflow.updateRoleMappingsFor(case)
            case.reindexObject()
            if number % 500 == 499:
                transaction.savepoint(optimistic=True)
                print(f"  {number + 1} cases ({time.perf_counter() - start:.0f} s)")
    print(f"created {count} cases in {time.perf_counter() - start:.0f} s")

    catalog = api.portal.get_tool("portal_catalog")
    print(
        f"catalog: {len(catalog.unrestrictedSearchResults(portal_type='Case'))} cases"
    )
    for label, userid, function in (
        (
            "@my-cases, busy panel lead (exp0)",
            "exp0",
            lambda: dashboard.my_cases("exp0"),
        ),
        (
            "@my-cases, a clinician (clin1)",
            "clin1",
            lambda: dashboard.my_cases("clin1"),
        ),
        ("@coordinator-dashboard", SITE_OWNER_NAME, dashboard.coordinator),
    ):
        with api.env.adopt_user(username=userid):
            result, median, slowest = timed_runs(function)
        size = len(result.get("items", result.get("open_panels", [])))
        print(
            f"{label:40s} median {median:7.1f} ms, "
            f"slowest {slowest:7.1f} ms ({size} rows)"
        )
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        data = dashboard.coordinator()
    print(
        f"  open panels {len(data['open_panels'])}, "
        f"waiting {len(data['waiting_for_panel'])},"
        f" closed {data['closed_count']}, median days to closure"
        f" {data['median_days_to_closure']}"
    )


if __name__ == "__main__":
    main()
