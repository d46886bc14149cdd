"""Guest grants in the catalog as tokens that carry their end.

Cases indexed before held a guest as ``user:<guest>``, which outlives the
grant; reindexing their security writes ``guest:<userid>:<end>`` instead
(cpms.identity.catalog). Only the cases that hold grants are touched.
"""

from cpms.identity.guests import cases_with_grants


def upgrade(setup_tool):
    for case in cases_with_grants():
        case.reindexObjectSecurity()
