"""API: rubrics, observations, scoresheets, progress (routes are added on core.api.bp)."""
