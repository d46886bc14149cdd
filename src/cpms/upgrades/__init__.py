"""Upgrade steps, one module per profile version (``v<YYYYMMDDnnn>.py``).

To add one: raise ``profiles/default/metadata.xml``'s version, write the
module here, and register it in ``configure.zcml`` with the previous version as
``source`` and the new one as ``destination``.
"""
