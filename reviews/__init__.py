"""reviews package (built in later issues)."""
