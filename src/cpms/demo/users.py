"""One demo user per role the portal knows (the README lists them)."""

from plone import api

from cpms.demo import DEMO_PASSWORD

# user id -> (full name, site-wide roles)
DEMO_USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "coordinator": ("Dana Coordinator (demo)", ("Member", "Coordinator")),
    "helpdesk": ("Hugo Helpdesk (demo)", ("Member", "Helpdesk")),
    "clinician": ("Clara Clinician (demo)", ("Member", "Healthcare Professional")),
    "lead": ("Lena Lead (demo)", ("Member", "Healthcare Professional")),
    "expert1": ("Emil Expert (demo)", ("Member", "Healthcare Professional")),
    "expert2": ("Eva Expert (demo)", ("Member", "Healthcare Professional")),
    "guest": ("Gustav Guest (demo)", ("Member",)),
    "editor": ("Edith Editor (demo)", ("Member", "Editor")),
    "reviewer": ("Rita Reviewer (demo)", ("Member", "Reviewer")),
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
