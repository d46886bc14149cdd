"""plone.restapi services (REST endpoints) where the standard ones do not fit."""
