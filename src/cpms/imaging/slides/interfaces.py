from zope.interface import Interface


class ISlide(Interface):
    """A case's medical file that OpenSlide reads as a whole-slide image."""
