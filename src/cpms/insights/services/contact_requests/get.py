"""``GET /@contact-requests``: the contact requests one sent and the ones
addressed to one, each with its state; the other side's case id and contacts
only once accepted."""

from AccessControl import getSecurityManager
from plone import api
from plone.restapi.services import Service
from zExceptions import Unauthorized

from cpms import _
from cpms.insights import contact


class ContactRequestsGet(Service):
    def reply(self):
        if api.user.is_anonymous():
            raise Unauthorized(_("Log in to see your contact requests."))
        userid = getSecurityManager().getUser().getId()
        return {
            "@id": f"{self.context.absolute_url()}/@contact-requests",
            **contact.listing(userid),
        }
