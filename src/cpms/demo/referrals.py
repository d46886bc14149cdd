"""Demo referrals: two fictional requests from outside clinicians.

``demo-referral-1`` waits in ``submitted``; ``demo-referral-2`` is
``under_review`` and comes from the demo user "guest" (guest@demo.invalid),
so that accepting it shows the guest invitation at work.
"""

from plone import api

from cpms.core import roles
from cpms.demo import DEMO_TAG
from cpms.referrals import states
from cpms.referrals.actions import create_referral

REFERRALS = {
    "demo-referral-1": (
        {
            "clinician_name": "Dr. Iris Outside (demo)",
            "clinician_email": "iris.outside@demo.invalid",
            "provider": "Demo Regional Hospital, Ghent (demo)",
            "country": "BE",
            "urgency": "urgent",
            "summary": "Girl, 6 years. Recurrent fractures after minor trauma "
            "since age 2, blue sclerae, normal vitamin D. (demo)",
            "question": "Is genetic testing for a collagen disorder indicated, "
            "and which treatment would you advise? (demo)",
            "consent": True,
        },
        states.SUBMITTED,
    ),
    "demo-referral-2": (
        {
            "clinician_name": "Gustav Guest (demo)",
            "clinician_email": "guest@demo.invalid",
            "provider": "Demo County Hospital, Tartu (demo)",
            "country": "EE",
            "urgency": "routine",
            "summary": "Boy, 11 years. Short stature below the 1st percentile, "
            "disproportionate limbs, normal development. (demo)",
            "question": "Which skeletal dysplasia fits, and what follow-up do "
            "you recommend? (demo)",
            "consent": True,
        },
        states.UNDER_REVIEW,
    ),
}


def build_referrals(portal):
    container = portal["referrals"]
    areas = api.content.find(portal_type="ExpertiseArea", sort_on="sortable_title")
    area = areas[0].UID if areas else None
    for referral_id, (fields, state) in REFERRALS.items():
        if referral_id in container:
            continue
        referral = create_referral(
            dict(fields, expertise_area=area), referral_id=referral_id
        )
        referral.setSubject([DEMO_TAG])
        referral.title = f"{referral.title} (demo)"
        if state == states.UNDER_REVIEW:
            with api.env.adopt_roles([roles.MANAGER]):
                api.content.transition(obj=referral, transition=states.START_REVIEW)
        referral.reindexObject()
