"""The SMS channel: transport, contacts, keywords, opt-out and sending. It knows no feature."""
