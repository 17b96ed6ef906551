"""A person's rights over their data: erasure on request, and the export of what is held."""
