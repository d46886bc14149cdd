"""An access request as the ``@access-requests`` endpoint lists it."""

from plone import api


def serialize_request(obj) -> dict:
    return {
        "@id": obj.absolute_url(),
        "id": obj.getId(),
        "UID": obj.UID(),
        "title": obj.Title(),
        "review_state": api.content.get_state(obj),
        "requester": obj.requester,
        "healthcare_provider": obj.healthcare_provider,
        "healthcare_provider_title": obj.provider_title(),
        "profile": obj.profile,
        "justification": obj.justification,
        "decision_message": obj.decision_message or "",
        "created": obj.created().ISO8601(),
    }
