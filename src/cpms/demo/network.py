"""Demo network: a fictional ERN for rare urogenital diseases.

Three workstreams with their expertise areas, seven member healthcare
providers in seven EU/EEA countries, and one group per provider
(``hcp-<provider id>``) holding its demo healthcare professionals. All names
are invented; everything is tagged ``DEMO_TAG`` and published in /network.
"""

from plone import api

from cpms.demo import DEMO_TAG
from cpms.network.content.healthcare_provider import provider_group_id

NETWORK_NAME = "ERN UroRare (demo)"

# workstream -> [(id, title, description)]
WORKSTREAMS: dict[str, list[tuple[str, str, str]]] = {
    "Paediatric and congenital urology": [
        (
            "bladder-exstrophy",
            "Bladder exstrophy and epispadias",
            "Reconstruction and long-term follow-up of the exstrophy-epispadias "
            "complex, from birth to adulthood.",
        ),
        (
            "posterior-urethral-valves",
            "Posterior urethral valves",
            "Prenatal suspicion, valve ablation, bladder and kidney care.",
        ),
        (
            "hypospadias-dsd",
            "Complex hypospadias and differences of sex development",
            "Multidisciplinary care of severe hypospadias and DSD.",
        ),
    ],
    "Rare urological conditions in adults": [
        (
            "rare-urogenital-tumours",
            "Rare urogenital tumours",
            "Penile, urethral and upper tract tumours that few centres see.",
        ),
        (
            "retroperitoneal-fibrosis",
            "Retroperitoneal fibrosis",
            "Diagnosis and treatment of idiopathic and secondary forms.",
        ),
        (
            "complex-urethral-strictures",
            "Complex urethral strictures",
            "Reconstruction after failed repair, trauma or lichen sclerosus.",
        ),
    ],
    "Functional and neuro-urology": [
        (
            "neurogenic-bladder",
            "Neurogenic bladder",
            "Bladder dysfunction in spina bifida, spinal cord injury and other "
            "neurological conditions.",
        ),
        (
            "cloacal-anomalies",
            "Cloacal and anorectal anomalies",
            "Urinary and sexual function after cloacal reconstruction.",
        ),
    ],
}

# id, name, country, city, expertise area ids, demo users
PROVIDERS: list[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "danube-university-hospital",
        "Danube University Hospital (demo)",
        "AT",
        "Vienna",
        ("bladder-exstrophy", "posterior-urethral-valves", "neurogenic-bladder"),
        ("clinician",),
    ),
    (
        "hopital-saint-fiacre",
        "Hôpital Saint-Fiacre (demo)",
        "FR",
        "Lyon",
        ("bladder-exstrophy", "hypospadias-dsd", "cloacal-anomalies"),
        ("lead",),
    ),
    (
        "nordlicht-childrens-hospital",
        "Nordlicht Children's Hospital (demo)",
        "DE",
        "Hamburg",
        ("posterior-urethral-valves", "hypospadias-dsd", "neurogenic-bladder"),
        ("expert1",),
    ),
    (
        "ospedale-san-rocco",
        "Ospedale San Rocco (demo)",
        "IT",
        "Bologna",
        ("rare-urogenital-tumours", "complex-urethral-strictures"),
        ("expert2",),
    ),
    (
        "hospital-miramar",
        "Hospital Universitario Miramar (demo)",
        "ES",
        "Valencia",
        ("retroperitoneal-fibrosis", "rare-urogenital-tumours"),
        (),
    ),
    (
        "fjordvik-university-hospital",
        "Fjordvik University Hospital (demo)",
        "NO",
        "Bergen",
        ("neurogenic-bladder", "cloacal-anomalies"),
        (),
    ),
    (
        "vistula-medical-centre",
        "Vistula Medical Centre (demo)",
        "PL",
        "Kraków",
        ("complex-urethral-strictures", "bladder-exstrophy"),
        (),
    ),
]


def _publish(obj):
    # The network types keep the default publication workflow.
    if api.content.get_state(obj=obj) != "published":
        api.content.transition(obj=obj, to_state="published")


def _ensure(container, type_, id_, **fields):
    obj = container.get(id_)
    if obj is None:
        obj = api.content.create(container=container, type=type_, id=id_, **fields)
        obj.setSubject([DEMO_TAG])
        obj.reindexObject()
    _publish(obj)
    return obj


def build_network(portal):
    network = portal["network"]
    areas = {}
    for workstream, entries in WORKSTREAMS.items():
        for area_id, title, description in entries:
            areas[area_id] = _ensure(
                network,
                "ExpertiseArea",
                area_id,
                title=f"{title} (demo)",
                description=description,
                workstream=workstream,
            )
    for pid, name, country, city, area_ids, users in PROVIDERS:
        provider = _ensure(
            network,
            "HealthcareProvider",
            pid,
            title=name,
            description=f"Member centre of the {NETWORK_NAME} in {city}.",
            country=country,
            city=city,
            expertise_areas=[areas[a].UID() for a in area_ids],
        )
        group_id = provider_group_id(provider)
        if api.group.get(groupname=group_id) is None:
            api.group.create(
                groupname=group_id,
                title=name,
                description=f"Healthcare professionals of {name}.",
            )
        for userid in users:
            if api.user.get(userid=userid) is not None:
                api.group.add_user(groupname=group_id, username=userid)
