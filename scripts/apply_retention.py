"""Apply the retention settings: ``POST <site>/@retention`` over HTTP.

``make apply-retention`` runs it, daily from cron, while the portal runs (an
embedded FileStorage cannot be opened by a second process). The job erases
the cases that are due (``cpms.privacy.retention``) and packs the database's
history after an erasure.

Environment: ``CPMS_URL`` (default http://127.0.0.1:8080/cpms),
``CPMS_RETENTION_USER`` (default admin) and ``CPMS_RETENTION_PASSWORD``
(default ``CPMS_ADMIN_PASSWORD``): a user holding "cpms: Erase case data"
(a data protection officer, or the site's administrator).
"""

import base64
import json
import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    url = os.environ.get("CPMS_URL", "http://127.0.0.1:8080/cpms").rstrip("/")
    user = os.environ.get("CPMS_RETENTION_USER", "admin")
    password = os.environ.get(
        "CPMS_RETENTION_PASSWORD", os.environ.get("CPMS_ADMIN_PASSWORD", "admin")
    )
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - the portal's own URL
        f"{url}/@retention",
        method="POST",
        data=b"{}",
        headers={
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": f"Basic {token}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:  # noqa: S310
            result = json.load(response)
    except urllib.error.HTTPError as error:
        print(f"{url}/@retention answered {error.code}: {error.read().decode()}")
        return 1
    except urllib.error.URLError as error:
        print(f"{url} is not reachable ({error.reason}): is the portal running?")
        return 1
    for erased in result["erased"]:
        print(f"Erased {erased['case']}: {erased['reason']}")
    count = len(result["erased"])
    print(f"Erased {count} case(s); database packed: {result['packed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
