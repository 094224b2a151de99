"""Matters (ärenden): what needs negotiation, samverkan or information, its events and the decision hold."""
