"""Referrals from outside clinicians and the helpdesk: easyforms, workflow, mails."""
