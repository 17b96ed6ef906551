"""Consent's periodic work."""
