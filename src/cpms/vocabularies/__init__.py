"""Vocabularies: coding systems (HPO, ORPHA, ICD-10), countries, domain lists."""
