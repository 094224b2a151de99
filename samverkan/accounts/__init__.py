"""Logins, roles, sessions and API tokens, and who may call what."""
