"""Data a slice keeps in an object's annotations (a case's, the site's)."""

from zope.annotation.interfaces import IAnnotations


def annotation(obj, key: str, factory=None):
    """What ``obj`` keeps under ``key``; made with ``factory()`` and stored
    when there is nothing yet and a factory is given, else None.

    Reading never writes: a page that only looks does not add an empty
    container to the object (nor a write to its transaction)."""
    annotations = IAnnotations(obj)
    value = annotations.get(key)
    if value is None and factory is not None:
        value = annotations[key] = factory()
    return value
