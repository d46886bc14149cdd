"""The loader of ``benchmarks/scale.py``: a synthetic network in a real site.

Run by ``zconsole run <zope.conf> benchmarks/scale_load.py`` (which binds
``app``), with its settings in the environment:

- ``BENCH_CASES``: cases wanted in total (the load resumes from those there);
- ``BENCH_ITEMS``: contributions per case in discussion or later (at most 4);
- ``BENCH_MODE``: ``bulk`` (default), ``portal`` (the slow reference path) or
  ``verify`` (one case each way, compared; exits 1 on a difference);
- ``BENCH_OUT``: a JSON file for the facts ``scale.py`` needs;
- ``BENCH_PASSWORD``: the password of the synthetic users;
- ``BENCH_COMMIT``: cases per transaction in bulk mode (500).

Both paths draw the same plan for a case number (owner, fields, state, panel,
dates), so a bulk-made case and a portal-made case of the same plan can be
compared field by field.

The portal path is what the skeleton did: ``create_case`` and
``api.content.create`` (which names an item with a temporary id, takes a
savepoint and renames it), Plone's reindexing after each change, and every
subscriber (mails to the panel, access audit records): about 0.35 s a case.

The bulk path stores the same things through Plone's own lower-level calls:
``createContentInContainer`` (the dexterity factory, the name chooser of a
case, every added-event subscriber: UID, intid, workflow's initial state,
owner, the case's sequences), the same workflow status and role mappings, the
same local roles. What it leaves out or does differently:

- the subscribers of ``cpms.notifications`` (they only send mail: there is
  no mail server in a benchmark, and 100,000 cases would mail their panels)
  and of ``cpms.privacy.subscribers`` (access audit records, which live in
  their own store outside the ZODB) are unregistered for the run;
- numbers (case numbers, item names) are taken in the load's transaction,
  not in a short transaction of their own each (``core/sequences.py``: that
  protects concurrent requests, and costs a commit per number);
- the case number is taken from the case-number sequence without asking the
  catalog whether it is free (an empty site: it is), so that no catalog query
  runs between two cases. Plone's indexing queue thus indexes each object
  once per transaction, with its final state, when the transaction commits
  (``BENCH_COMMIT`` cases at a time) instead of once per change.
"""

import functools
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from DateTime import DateTime
from plone import api
from plone.dexterity.utils import createContentInContainer
from Testing.makerequest import makerequest
from zope.component import getGlobalSiteManager
from zope.component.hooks import setSite

import cpms.cases.content.contribution
import cpms.core.sequences
from cpms.cases.case_id import CASE_ID_PREFIX
from cpms.cases.case_id import _take
from cpms.cases.case_id import create_case

STATES = ["draft"] * 10 + ["submitted"] * 15 + ["in_discussion"] * 40 + ["closed"] * 35
ORDER = ("draft", "submitted", "in_discussion", "closed")
ORPHA = ["ORPHA:93930", "ORPHA:93100", "ORPHA:1656", "ORPHA:2301", "ORPHA:93112"]
ICD10 = ["Q64.1", "Q62.1", "N31.9", "Q64.7"]
HPO = ["HP:0000252", "HP:0000010", "HP:0000020", "HP:0000126", "HP:0001250"]
CLINICIANS = [f"clin{i}" for i in range(50)]
EXPERTS = [f"exp{i}" for i in range(100)]
# A fixed "now" so that the plan of a case number never changes.
NOW = DateTime("2026-11-30T12:00:00+00:00")


def plan(number: int, area_uid: str, provider_uid: str) -> dict:
    """Everything random about case ``number``, the same on every call."""
    rng = random.Random(number)
    owner = rng.choice(CLINICIANS)
    state = rng.choice(STATES)
    lead, members = None, []
    if state != "draft":
        # exp0 is the busy lead: one case in ten.
        lead = "exp0" if number % 10 == 0 else rng.choice(EXPERTS)
        members = [m for m in rng.sample(EXPERTS, 4) if m != lead]
    days_ago = rng.randint(1, 1500)
    steps = [rng.randint(3, 30) for _ in ORDER]
    return {
        "owner": owner,
        "state": state,
        "lead": lead,
        "members": members,
        "times": [NOW - days_ago + i * steps[i] for i in range(len(ORDER))],
        "fields": {
            "nickname": f"Bench {number}",
            "sex": "female",
            "year_of_birth": 2010,
            "referring_hcp": provider_uid,
            "referring_clinician": owner,
            "urgent": rng.random() < 0.1,
            "expertise_area": area_uid,
            "clinical_summary": "Synthetic case.",
            "clinical_question": "Synthetic question?",
            "orpha_codes": rng.sample(ORPHA, 1),
            "icd10_codes": rng.sample(ICD10, 1),
            "hpo_terms": rng.sample(HPO, 2),
        },
    }


CONSENT = {
    "title": "Care consent",
    "kind": "care",
    "consent_language": "de",
    "consent_version": "1.0",
    "consent_date": DateTime("2026-01-01").asdatetime().date(),
}
CONTRIBUTION = {"title": "Opinion", "text": "Synthetic contribution."}


def ensure_network(portal, password):
    if api.user.get(userid="coord") is None:
        for userid in [*CLINICIANS, *EXPERTS]:
            api.user.create(
                username=userid,
                email=f"{userid}@example.invalid",
                password=password,
                roles=["Member", "Healthcare Professional"],
            )
        api.user.create(
            username="coord",
            email="coord@example.invalid",
            password=password,
            roles=["Member", "Coordinator"],
        )
    network = portal["network"]
    if "bench-area" not in network:
        area = api.content.create(
            container=network,
            type="ExpertiseArea",
            id="bench-area",
            title="Bench area",
            workstream="Bench",
        )
        api.content.create(
            container=network,
            type="HealthcareProvider",
            id="bench-hcp",
            title="Bench hospital",
            country="AT",
            city="Graz",
            expertise_areas=[area.UID()],
        )
    transaction.commit()
    return network["bench-area"], network["bench-hcp"]


def _workflow(portal):
    wf_tool = api.portal.get_tool("portal_workflow")
    return wf_tool, wf_tool.getWorkflowById("cpms_case_workflow")


def _set_panel(case, p):
    if p["lead"]:
        case.manage_setLocalRoles(p["lead"], ["Panel Lead"])
    for member in p["members"]:
        case.manage_setLocalRoles(member, ["Panel Member"])


def _history(wf_tool, case, p, step, name):
    wf_tool.setStatusOf(
        "cpms_case_workflow",
        case,
        {
            "action": name,
            "review_state": name,
            "actor": p["owner"],
            "comments": "",
            "time": p["times"][step],
        },
    )


def make_case_portal(portal, p, items: int):
    """The reference: the portal's high-level calls, every subscriber on."""
    wf_tool, workflow = _workflow(portal)
    with api.env.adopt_user(username=p["owner"]):
        case = create_case(portal["cases"], **p["fields"])
        api.content.create(container=case, type="ConsentRecord", **CONSENT)
    _set_panel(case, p)
    for step, name in enumerate(ORDER[1 : ORDER.index(p["state"]) + 1]):
        _history(wf_tool, case, p, step, name)
        workflow.updateRoleMappingsFor(case)
        if name == "in_discussion":
            for author in p["members"][:items]:
                with api.env.adopt_user(username=author):
                    api.content.create(
                        container=case, type="Contribution", **CONTRIBUTION
                    )
    workflow.updateRoleMappingsFor(case)
    case.reindexObject()
    case.reindexObjectSecurity()
    return case


def make_case_bulk(portal, p, items: int, users: dict):
    """The same case through Plone's lower-level calls (module docstring)."""
    wf_tool, workflow = _workflow(portal)
    year = NOW.year()
    case_id = f"{CASE_ID_PREFIX}-{year}-{_take(portal, year):06d}"
    cases = portal["cases"]
    with api.env.adopt_user(user=users[p["owner"]]):
        case = createContentInContainer(
            cases,
            "Case",
            checkConstraints=False,
            id=case_id.lower(),
            case_id=case_id,
            **p["fields"],
        )
        createContentInContainer(
            case, "ConsentRecord", checkConstraints=False, **CONSENT
        )
    _set_panel(case, p)
    for step, name in enumerate(ORDER[1 : ORDER.index(p["state"]) + 1]):
        _history(wf_tool, case, p, step, name)
        if name == "in_discussion":
            for author in p["members"][:items]:
                with api.env.adopt_user(user=users[author]):
                    createContentInContainer(
                        case, "Contribution", checkConstraints=False, **CONTRIBUTION
                    )
    workflow.updateRoleMappingsFor(case)
    # Queued, merged with the items' own "index" ops: each object is indexed
    # once, with its final roles and state, when the transaction commits.
    case.reindexObject()
    for item in case.objectValues():
        item.reindexObject()
    return case


def quiet_subscribers():
    """Unregister the mail and access-audit subscribers (module docstring)."""
    gsm = getGlobalSiteManager()
    removed = 0
    for registration in list(gsm.registeredHandlers()):
        module = getattr(registration.handler, "__module__", "") or ""
        if module.startswith("cpms.notifications") or module == (
            "cpms.privacy.subscribers"
        ):
            gsm.unregisterHandler(registration.handler, required=registration.required)
            removed += 1
    return removed


# ----------------------------------------------------------------- verify


VOLATILE_ATTRS = {
    "_plone.uuid",
    "creation_date",
    "modification_date",
    "id",
    "case_id",
    "nickname",
    "__ac_local_roles__",  # compared as get_local_roles()
    "workflow_history",  # compared without times
    "_p_changed",
    "__annotations__",  # compared by keys
    "_dicom_seed",
}
VOLATILE_INDEXES = {
    "UID",
    "path",
    "id",
    "getId",
    "created",
    "modified",
    "effective",
    "Date",
    "case_id",
    "Title",
    "sortable_title",
    "SearchableText",
    "case_panel_opened",
    "case_submitted",
    "case_closed",
    "effectiveRange",
    "getRawRelatedItems",
    "case_nickname",
}


def _normal(value, case_ids):
    if hasattr(value, "keys") and hasattr(value, "_p_oid"):  # a BTree
        value = sorted(value.keys())
    elif hasattr(value, "value") and hasattr(value, "_p_oid"):  # a Length
        value = value.value
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        value = sorted(value)  # a keyword index's words, in storage order
    text = repr(value)
    for case_id, marker in case_ids:
        text = text.replace(case_id, marker).replace(case_id.lower(), marker)
    return text


def describe(obj, catalog, case_ids):
    """What the portal stores and indexes about ``obj``, minus what differs
    by nature between two cases (ids, UIDs, dates)."""
    attrs = {
        key: _normal(value, case_ids)
        for key, value in vars(obj).items()
        if key not in VOLATILE_ATTRS and not key.startswith("_v_")
    }
    annotations = getattr(obj, "__annotations__", None) or {}
    attrs["annotations"] = sorted(annotations.keys())
    attrs["local_roles"] = sorted(
        (user, tuple(sorted(roles))) for user, roles in obj.get_local_roles()
    )
    attrs["history"] = [
        (e.get("action"), e.get("review_state"), e.get("actor"))
        for entries in (getattr(obj, "workflow_history", None) or {}).values()
        for e in entries
    ]
    path = "/".join(obj.getPhysicalPath())
    rid = catalog._catalog.uids.get(path)
    if rid is None:
        return attrs, None
    index_data = catalog._catalog.getIndexDataForRID(rid)
    metadata = catalog._catalog.getMetadataForRID(rid)
    record = {
        f"index {k}": _normal(v, case_ids)
        for k, v in index_data.items()
        if k not in VOLATILE_INDEXES
    }
    record.update(
        {
            f"column {k}": _normal(v, case_ids)
            for k, v in metadata.items()
            if k not in VOLATILE_INDEXES
            and k not in {"CreationDate", "ModificationDate", "EffectiveDate"}
            and k not in {"created", "modified", "effective", "getIcon"}
        }
    )
    return attrs, record


def verify(portal, items, users, area, provider):
    """One case of the same plan made each way; their differences, if any."""
    catalog = api.portal.get_tool("portal_catalog")
    # A plan with a panel and contributions.
    number = next(
        n
        for n in range(10**6, 10**6 + 100)
        if plan(n, area.UID(), provider.UID())["state"] == "in_discussion"
    )
    p = plan(number, area.UID(), provider.UID())
    portal_case = make_case_portal(portal, p, items)
    transaction.commit()
    quiet_subscribers()
    cpms.core.sequences._committed = lambda obj: False
    bulk_case = make_case_bulk(portal, p, items, users)
    transaction.commit()
    case_ids = [(portal_case.case_id, "<case-id>"), (bulk_case.case_id, "<case-id>")]
    differences = []
    pairs = [(portal_case, bulk_case)]

    # plone.api names an item after its title ("opinion-1"); the portal's
    # add forms and REST ask the case's name chooser without a name, as
    # createContentInContainer does ("contribution-1"): items are paired by
    # type and order of creation, their names not compared.
    def in_order(case):
        return sorted(case.objectValues(), key=lambda o: (o.portal_type, o.created()))

    portal_items, bulk_items = in_order(portal_case), in_order(bulk_case)
    if [o.portal_type for o in portal_items] != [o.portal_type for o in bulk_items]:
        differences.append(f"items: {portal_items} != {bulk_items}")
    pairs += list(zip(portal_items, bulk_items, strict=False))
    names = [(o.getId(), "<item>") for pair in pairs[1:] for o in pair]
    # Longest first: "opinion-1" before "opinion".
    case_ids += sorted(names, key=lambda pair: -len(pair[0]))
    for made_by_portal, made_in_bulk in pairs:
        name = made_by_portal.getId()
        left_attrs, left_record = describe(made_by_portal, catalog, case_ids)
        right_attrs, right_record = describe(made_in_bulk, catalog, case_ids)
        if made_by_portal is not portal_case:
            # What plone.api's temporary id and rename leave on an item (the
            # move's old path, the content-rule assignments a move stores);
            # an item added by a form or REST does not have them either.
            for attrs in (left_attrs, right_attrs):
                attrs.pop("_old_path", None)
                attrs["annotations"] = [
                    a
                    for a in attrs["annotations"]
                    if a != "plone.contentrules.localassignments"
                ]
        for key in sorted(set(left_attrs) | set(right_attrs)):
            if left_attrs.get(key) != right_attrs.get(key):
                differences.append(
                    f"{name} {key}: portal {left_attrs.get(key)!r}"
                    f" bulk {right_attrs.get(key)!r}"
                )
        if left_record is None or right_record is None:
            differences.append(f"{name}: not in the catalog")
            continue
        for key in sorted(set(left_record) | set(right_record)):
            if left_record.get(key) != right_record.get(key):
                differences.append(
                    f"{name} {key}: portal {left_record.get(key)!r}"
                    f" bulk {right_record.get(key)!r}"
                )
    compared = sum(len(describe(o, catalog, case_ids)[1] or ()) for o, _ in pairs)
    # Leave the site as it was.
    for case in (portal_case, bulk_case):
        api.content.delete(case, check_linkintegrity=False)
    transaction.commit()
    return differences, len(pairs), compared


# ------------------------------------------------------------------- main


def snapshot(done: int):
    """Copy the committed database to ``<data dir>-<done>`` (for measuring
    it while the load goes on)."""
    source = Path(os.environ["CPMS_DATA_DIR"])
    target = Path(f"{source}-{done}")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    print(f"  snapshot of {done} cases in {target}", flush=True)


def main(app):
    count = int(os.environ.get("BENCH_CASES", "0"))
    items = min(int(os.environ.get("BENCH_ITEMS", "2")), 4)
    mode = os.environ.get("BENCH_MODE", "bulk")
    batch = int(os.environ.get("BENCH_COMMIT", "500"))
    password = os.environ["BENCH_PASSWORD"]
    app = makerequest(app)
    admin = app.acl_users.getUserById("admin")
    newSecurityManager(None, admin.__of__(app.acl_users))
    portal = app["cpms"]
    setSite(portal)
    area, provider = ensure_network(portal, password)
    acl = portal.acl_users
    users = {u: acl.getUserById(u) for u in [*CLINICIANS, *EXPERTS]}
    catalog = api.portal.get_tool("portal_catalog")

    if mode == "verify":
        differences, objects, compared = verify(portal, items, users, area, provider)
        for line in differences:
            print("DIFFERENT", line)
        print(
            f"verify: {objects} objects, {compared} catalog values each, "
            f"{len(differences)} differences"
        )
        app._p_jar.db().close()
        return 1 if differences else 0

    existing = len(catalog.unrestrictedSearchResults(portal_type="Case"))
    if mode == "bulk":
        print(f"  {quiet_subscribers()} mail and audit subscribers off", flush=True)
        # One process loads: numbers in the load's own transaction.
        cpms.core.sequences._committed = lambda obj: False
        # A contribution's title is its author's name, looked up in the user
        # folder each time it is indexed: the same 100 names, remembered.
        contribution = cpms.cases.content.contribution
        contribution.fullname = functools.lru_cache(maxsize=None)(contribution.fullname)
    snapshots = {int(n) for n in os.environ.get("BENCH_SNAPSHOTS", "").split(",") if n}
    start = time.perf_counter()
    last = start
    for number in range(existing, count):
        p = plan(number, area.UID(), provider.UID())
        if mode == "bulk":
            make_case_bulk(portal, p, items, users)
        else:
            make_case_portal(portal, p, items)
        done = number + 1
        if done % batch == 0 or done == count:
            transaction.commit()
            # Keep the connection's cache from growing with the load.
            app._p_jar.cacheGC()
            now = time.perf_counter()
            made = done - existing
            load = os.getloadavg()[0]
            print(
                f"  {done} cases, {made / (now - start):.1f} cases/s "
                f"(last batch {batch / max(now - last, 1e-9):.1f}/s), "
                f"load {load:.2f}",
                flush=True,
            )
            last = now
            if done in snapshots:
                snapshot(done)
    transaction.commit()
    elapsed = time.perf_counter() - start
    made = count - existing
    sample = catalog.unrestrictedSearchResults(
        portal_type="Case", review_state="in_discussion", sort_limit=1
    )[0]
    facts = {
        "cases": len(catalog.unrestrictedSearchResults(portal_type="Case")),
        "objects": len(catalog.unrestrictedSearchResults()),
        "sample_case": sample.getPath(),
        "loaded": made,
        "seconds": round(elapsed, 1),
        "rate": round(made / elapsed, 1) if made and elapsed else None,
        "mode": mode,
        "load_average": os.getloadavg(),
    }
    if os.environ.get("BENCH_OUT"):
        with open(os.environ["BENCH_OUT"], "w") as out:
            json.dump(facts, out)
    if made:
        print(
            f"loaded {made} cases in {elapsed:.0f} s: {made / elapsed:.1f} cases/s "
            f"({mode}; load average {os.getloadavg()[0]:.2f})",
            flush=True,
        )
    app._p_jar.db().close()
    return 0


if __name__ == "__main__":
    sys.exit(main(app))  # noqa: F821 - bound by zconsole
