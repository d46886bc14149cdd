"""Demo content of a fictional network (profile ``cpms:demo``).

Everything here is invented: no real patient, clinician or seed-page text.
Every demo object carries the ``DEMO_TAG`` subject so it can be found and removed.
"""

import os

DEMO_TAG = "demo"
# Documented in README.md; override before `make start` for a shared demo.
DEMO_PASSWORD = os.environ.get("CPMS_DEMO_PASSWORD", "cpms-demo-2026")
