"""Demo settings of panel collaboration: the network's name on reports."""

from plone import api

from cpms.demo.network import NETWORK_NAME


def configure_collaboration(portal):
    api.portal.set_registry_record("cpms.collaboration.network_name", NETWORK_NAME)
