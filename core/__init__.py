"""Infrastructure shared by every feature. Imports no feature package."""
