"""Consent per purpose: what each contact and participant agreed to be contacted for."""
