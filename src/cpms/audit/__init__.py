"""Audit trail: who did what to which case, and overrides with their reasons."""
