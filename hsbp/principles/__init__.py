"""The partnership charter: its LIFTS commitments and management protocols, versioned."""
