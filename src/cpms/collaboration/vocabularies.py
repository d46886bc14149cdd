"""The people of a case (its local role holders), for meeting attendees."""

from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from cpms.cases.utils import case_people
from cpms.cases.utils import find_case
from cpms.core.users import fullname


@provider(IVocabularyFactory)
def CasePeopleVocabulary(context):
    case = find_case(context)
    if case is None:
        return SimpleVocabulary([])
    return SimpleVocabulary(
        [SimpleTerm(userid, userid, fullname(userid)) for userid in case_people(case)]
    )
