"""Name the caching proxies the site purges: CPMS_CACHING_PROXIES.

Run through `zconsole run <zope.conf> scripts/set_caching_proxies.py` (which
binds ``app``); `make cluster` (scripts/cluster.py) runs it with its Varnish.
CPMS_CACHING_PROXIES is a space-separated list of proxy URLs
(``http://127.0.0.1:8000``); empty: purge nothing. plone.cachepurging sends
a PURGE for each changed public page to each of them after the commit.
"""

import os

import transaction
from plone.cachepurging.interfaces import ICachePurgingSettings
from plone.registry.interfaces import IRegistry
from zope.component import getUtility
from zope.component.hooks import setSite

SITE_ID = os.environ.get("CPMS_SITE_ID", "cpms")
PROXIES = tuple(os.environ.get("CPMS_CACHING_PROXIES", "").split())

site = app[SITE_ID]  # noqa: F821 - bound by zconsole
setSite(site)
purging = getUtility(IRegistry).forInterface(ICachePurgingSettings)
if tuple(purging.cachingProxies or ()) != PROXIES:
    purging.cachingProxies = PROXIES
    purging.enabled = True
    transaction.commit()
print("Caching proxies purged on change: " + (", ".join(PROXIES) or "none"))
app._p_jar.db().close()  # noqa: F821
