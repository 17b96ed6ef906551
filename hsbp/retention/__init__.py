"""Retention: each partnership's schedule of what is removed when, applied nightly."""
