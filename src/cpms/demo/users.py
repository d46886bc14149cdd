"""One demo user per role the portal knows (the README lists them)."""

from plone import api

from cpms.core.roles import COORDINATOR
from cpms.core.roles import EDITOR
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.core.roles import HELPDESK
from cpms.core.roles import MEMBER
from cpms.core.roles import RESEARCHER
from cpms.core.roles import REVIEWER
from cpms.demo import DEMO_PASSWORD

# user id -> (full name, site-wide roles)
DEMO_USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "coordinator": ("Dana Coordinator (demo)", (MEMBER, COORDINATOR)),
    "helpdesk": ("Hugo Helpdesk (demo)", (MEMBER, HELPDESK)),
    "clinician": ("Clara Clinician (demo)", (MEMBER, HEALTHCARE_PROFESSIONAL)),
    "lead": ("Lena Lead (demo)", (MEMBER, HEALTHCARE_PROFESSIONAL)),
    "expert1": ("Emil Expert (demo)", (MEMBER, HEALTHCARE_PROFESSIONAL)),
    "expert2": ("Eva Expert (demo)", (MEMBER, HEALTHCARE_PROFESSIONAL)),
    "guest": ("Gustav Guest (demo)", (MEMBER,)),
    "editor": ("Edith Editor (demo)", (MEMBER, EDITOR)),
    "reviewer": ("Rita Reviewer (demo)", (MEMBER, REVIEWER)),
    "researcher": ("Rosa Researcher (demo)", (MEMBER, RESEARCHER)),
}


def create_users():
    for userid, (fullname, roles) in DEMO_USERS.items():
        if api.user.get(userid=userid) is None:
            api.user.create(
                username=userid,
                email=f"{userid}@demo.invalid",
                password=DEMO_PASSWORD,
                roles=roles,
                properties={"fullname": fullname},
            )
        else:
            api.user.grant_roles(username=userid, roles=list(roles))
