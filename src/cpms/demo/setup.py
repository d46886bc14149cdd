"""Post-install handler of the demo profile: runs each builder in order."""

from plone import api
from Products.CMFCore.indexing import processQueue

from cpms.core import mail
from cpms.demo import cases
from cpms.demo import collaboration
from cpms.demo import identity
from cpms.demo import imaging
from cpms.demo import network
from cpms.demo import public
from cpms.demo import referrals
from cpms.demo import slides
from cpms.demo import users

# Each builder takes the portal and creates its part of the demo, skipping
# what already exists so that the profile can run twice.
BUILDERS = [
    lambda portal: users.create_users(),
    network.build_network,
    public.build_public_content,
    cases.build_cases,
    collaboration.configure_collaboration,
    referrals.build_referrals,
    identity.build_access_requests,
    slides.build_slide,
    imaging.build_dicom,
]


def post_install(context):
    portal = api.portal.get()
    # The demo's people are invented: building their cases mails nobody.
    with mail.suppressed():
        for build in BUILDERS:
            build(portal)
    # Reindex what the builders queued now, while the site is set: a queue
    # left to the commit is processed after the test layers' ploneSite() has
    # unset the site, where indexers that ask plone.api fail, and
    # plone.testing drops that commit's error (the demo layer came out empty).
    processQueue()
