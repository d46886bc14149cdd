"""The network's own look and who meets Plone's admin screens.

- ``interfaces.py``: the theme settings (name, logo, colours, footer text),
  edited in ``@@cpms-theme-controlpanel`` by site administrators.
- ``contrast.py``: WCAG 2.1 contrast, so staff cannot pick colours that
  fail AA.
- ``viewlets.py``: the network's logo and name instead of Plone's, its
  colours, a skip link, the member menu and the footer.
- ``admin_ui.py``: Plone's toolbar and admin screens (folder contents,
  Sharing, the "Publishing process" form, ...) only for network staff.

The slice imports only the core; Barceloneta stays the Diazo theme and these
pieces fill its slots.
"""
