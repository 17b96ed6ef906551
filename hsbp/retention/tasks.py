"""Retention's periodic work."""
