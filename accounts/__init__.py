"""Accounts: units, users, roles per unit, sessions, API tokens, language choice."""
