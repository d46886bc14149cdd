"""``GET /@relations?source=<uid or path>&target=...``: plone.restapi's
service, except that a source or target the user may not view answers 404
with no content, as one that does not exist (plone.restapi's own lookup
raised Unauthorized, naming the object)."""

from plone.restapi.services.relations.get import GetRelations

from cpms.identity.uids import visible_at_path
from cpms.identity.uids import visible_object


class RelationsGet(GetRelations):
    def reply(self):
        for name in ("source", "target"):
            ref = self.request.get(name, None)
            if not ref:
                continue
            found = visible_at_path(ref) if ref[:1] == "/" else visible_object(ref)
            if found is None:
                return self.reply_no_content(status=404)
        return super().reply()
