"""Panel collaboration: the panel, meetings, medical files, the outcome
report PDF and the dashboards.  The modules here hold the logic; ``content/``,
``browser/`` and ``services/`` expose it as types, pages and REST endpoints."""
