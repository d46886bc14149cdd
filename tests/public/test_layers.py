"""Each test sees its own layer's site, whichever layer pytest set up last.

(See ``_database_of_the_test_layer`` in tests/conftest.py.)  The demo site has
the demo guides; the plain site has none; the order of the tests is mixed on
purpose.
"""

DEMO_GUIDE = "set-up-a-patient-panel"


def test_plain_site_first(portal):
    assert DEMO_GUIDE not in portal["guides"]


def test_demo_site(demo_portal):
    assert DEMO_GUIDE in demo_portal["guides"]


def test_plain_site_again(portal):
    assert DEMO_GUIDE not in portal["guides"]


def test_plain_functional_site(functional_portal):
    assert DEMO_GUIDE not in functional_portal["guides"]


def test_demo_functional_site(demo_functional_portal):
    assert DEMO_GUIDE in demo_functional_portal["guides"]


def test_plain_site_last(portal):
    assert DEMO_GUIDE not in portal["guides"]
