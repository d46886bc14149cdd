"""Behaviors shared by several content types."""
