"""Defaults computed once, when the content is created, and stored.

A field with a ``defaultFactory`` (the referring clinician of a case, who
recorded a consent) that was never set is read through the factory on every
access: ``current_user_id`` then names whoever reads, not who created it (an
administrator saw ``admin``). Storing the value when the object is added
makes it the creator's, for every reader.
"""

from plone.dexterity.schema import SCHEMA_CACHE
from zope.schema import getFieldsInOrder


def store_defaults(obj, event):
    """Store the computed defaults of the type's own (cpms) schema."""
    schema = SCHEMA_CACHE.get(getattr(obj, "portal_type", None))
    if schema is None or not schema.__module__.startswith("cpms."):
        return
    stored = obj.__dict__
    for name, field in getFieldsInOrder(schema):
        if field.defaultFactory is None or field.readonly or name in stored:
            continue
        value = field.bind(obj).default
        if value is not None:
            setattr(obj, name, value)
