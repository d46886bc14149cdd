"""Events of a case that other slices act on."""

from zope.interface import Attribute
from zope.interface import implementer
from zope.interface.interfaces import IObjectEvent
from zope.interface.interfaces import ObjectEvent


class ICaseErased(IObjectEvent):
    """The case's free texts and files were replaced by a tombstone (the
    patient's right to erasure). Slices that keep texts about the case
    outside it erase theirs."""

    tombstone = Attribute("The text that replaces an erased free text.")


@implementer(ICaseErased)
class CaseErased(ObjectEvent):
    def __init__(self, case, tombstone: str):
        super().__init__(case)
        self.tombstone = tombstone
