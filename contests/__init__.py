"""contests package (built in later issues)."""
