"""Who people are: names and addresses of portal users, for pages and mails."""

from plone import api


def user_fullname(userid):
    if not userid:
        return ""
    user = api.user.get(userid=userid)
    fullname = user.getProperty("fullname", "") if user is not None else ""
    return fullname or userid
