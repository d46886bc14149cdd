"""Legible views of the portal's types: the fields of a schema as people read them.

One view class reads the fields of the type's schema in order and shows each
value as people read it: vocabulary titles instead of tokens or UIDs, full
names instead of user ids, dates as dates. The case view lists the items the
user may see; the outcome report shows the statement on responsibility.
"""

from datetime import date
from datetime import datetime

from plone import api
from plone.dexterity.utils import iterSchemata
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import IBool
from zope.schema.interfaces import IChoice
from zope.schema.interfaces import ICollection
from zope.schema.interfaces import IText

from cpms.core.users import fullname

# Fields that hold a user id: shown as the user's full name.
USER_FIELDS = {"referring_clinician", "recorded_by", "signed_by"}
# Shown elsewhere on the page, or not at all.
SKIPPED = {"title", "description", "case_id", "liability_statement", "nickname"}


def _term_title(field, context, value):
    try:
        vocabulary = field.bind(context).vocabulary
        return vocabulary.getTerm(value).title or value
    except (LookupError, AttributeError, TypeError):
        return value


class FieldsView(BrowserView):
    """Label and readable value of every filled field of the type.

    Slices register it as the ``view`` of their simple types; a slice with a
    page of its own passes its template and keeps these helpers.
    """

    index = ViewPageTemplateFile("templates/item.pt")

    def __call__(self):
        return self.index()

    def rows(self):
        rows = []
        for schema in iterSchemata(self.context):
            for name, field in getFieldsInOrder(schema):
                if name in SKIPPED or schema.__module__.startswith("plone."):
                    continue
                value = getattr(self.context, name, None)
                if value in (None, "", [], (), set()):
                    continue
                rows.append(
                    {
                        "name": name,
                        "label": field.title,
                        "values": self._readable(name, field, value),
                        "long": IText.providedBy(field),
                    }
                )
        return rows

    def _readable(self, name, field, value):
        if name in USER_FIELDS:
            return [fullname(value)]
        if IBool.providedBy(field):
            return ["Yes" if value else "No"]
        if IChoice.providedBy(field):
            return [_term_title(field, self.context, value)]
        if ICollection.providedBy(field):
            if IChoice.providedBy(field.value_type):
                return [_term_title(field.value_type, self.context, v) for v in value]
            return [str(v) for v in value]
        if isinstance(value, datetime):
            return [value.strftime("%Y-%m-%d %H:%M")]
        if isinstance(value, date):
            return [value.isoformat()]
        return [str(value)]

    def author(self):
        if self.context.portal_type != "Contribution":
            return ""
        creators = self.context.listCreators()
        return fullname(creators[0]) if creators else ""

    def state_title(self):
        state = api.content.get_state(obj=self.context, default=None)
        if state is None:
            return ""
        workflow = api.portal.get_tool("portal_workflow")
        return workflow.getTitleForStateOnType(state, self.context.portal_type)
