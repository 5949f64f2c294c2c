"""meetings package (built in later issues)."""
