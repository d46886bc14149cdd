"""``GET /@linkintegrity?uids=...``: what links to the items about to be
deleted.

plone.restapi's service looked each UID up with a restricted traversal: for
an object the user may not view it answered 401 with a message naming the
object, and for an unknown UID it failed with 500. Here both answer 404 with
the same message, and a link from an item the user may not view is counted
without its title or URL (Plone's delete page says "The item is not
accessible" for it).
"""

from plone.app.linkintegrity.utils import linkintegrity_enabled
from plone.restapi.interfaces import ISerializeToJsonSummary
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from Products.CMFCore.utils import getToolByName
from zExceptions import BadRequest
from zExceptions import NotFound
from zope.component import getMultiAdapter
from zope.i18n import translate

from cpms import _
from cpms.identity.uids import visible_object


class LinkIntegrityGet(Service):
    def reply(self):
        if not linkintegrity_enabled():
            return json_compatible([])
        uids = self.request.form.get("uids", [])
        if not uids:
            raise BadRequest(
                translate(_('Missing parameter "uids"'), context=self.request)
            )
        if not isinstance(uids, list):
            uids = [uids]
        catalog = getToolByName(self.context, "portal_catalog")
        asked = len(uids)
        result = []
        for position, uid in enumerate(uids):
            item = visible_object(uid)
            if item is None and position < asked:
                raise NotFound("No item with this UID.")
            if item is None:
                continue  # a child the user may not view: not reported
            breaches = item.restrictedTraverse("@@delete_confirmation_info")
            data = getMultiAdapter((item, self.request), ISerializeToJsonSummary)()
            data["breaches"] = []
            for breach in breaches.get_breaches():
                if breach["target"]["uid"] not in uids:
                    # A child with links of its own: reported in its turn.
                    uids.append(breach["target"]["uid"])
                    continue
                for source in breach.get("sources", []):
                    if source["accessible"]:
                        entry = {"@id": source["url"], "title": source["title"]}
                        entry["uid"] = source["uid"]
                    else:
                        entry = {"@id": None, "title": None, "uid": None}
                    data["breaches"].append(entry)
            # The item's own contents, as far as the user may see them.
            path = "/".join(item.getPhysicalPath())
            data["items_total"] = len(catalog(path=path)) - 1
            result.append(data)
        return json_compatible(result)
