"""The outcome report's add form returns to the case page.

The lead writes the report, then signs it and closes the case: both are
the case page's next-step buttons, so after saving (or cancelling) the
lead lands there, not on the report's own page.
"""

from plone.dexterity.browser.add import DefaultAddForm
from plone.dexterity.browser.add import DefaultAddView


class ReportAddForm(DefaultAddForm):
    def nextURL(self):
        return self.context.absolute_url()


class ReportAddView(DefaultAddView):
    form = ReportAddForm
