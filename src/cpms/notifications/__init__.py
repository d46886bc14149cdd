"""Email notifications through Plone's MailHost."""
