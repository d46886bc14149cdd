"""The case page: its coded facts, then the items the user may see."""

from plone import api

from cpms.core.browser.fields import FieldsView


class CaseView(FieldsView):
    """The case: its coded facts, then the items the user may see."""

    def items(self):
        return [
            {
                "title": obj.Title(),
                "url": obj.absolute_url(),
                "type": obj.portal_type,
                "type_title": api.portal.get_tool("portal_types")[
                    obj.portal_type
                ].Title(),
                "state": api.content.get_state(obj=obj, default=""),
                "modified": obj.modified().strftime("%Y-%m-%d %H:%M"),
            }
            for obj in self.context.listFolderContents()
        ]

    def addable(self):
        """The item types this user may add here, with their add links."""
        return [
            {
                "title": fti.Title(),
                "url": f"{self.context.absolute_url()}/++add++{fti.getId()}",
            }
            for fti in self.context.allowedContentTypes()
        ]
