"""Dexterity content types: one module per type, schema as a Python interface."""
