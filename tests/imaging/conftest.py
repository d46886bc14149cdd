"""Helpers of the imaging tests: the collaboration tests' users, cases and
REST sessions."""

from tests.collaboration.conftest import rest  # noqa: F401 - a fixture
