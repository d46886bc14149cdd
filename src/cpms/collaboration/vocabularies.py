"""The people of a case (its local role holders and live guests), for
meeting attendees."""

from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from cpms.cases.utils import find_case
from cpms.collaboration.panel import people_of
from cpms.core.users import fullname


@provider(IVocabularyFactory)
def CasePeopleVocabulary(context):
    case = find_case(context)
    if case is None:
        return SimpleVocabulary([])
    return SimpleVocabulary(
        [SimpleTerm(userid, userid, fullname(userid)) for userid in people_of(case)]
    )
