"""CPMS portal: cross-border rare-disease patient panels on Plone 6.2."""

import logging

from zope.i18nmessageid import MessageFactory

PACKAGE_NAME = "cpms"

_ = MessageFactory(PACKAGE_NAME)
logger = logging.getLogger(PACKAGE_NAME)
