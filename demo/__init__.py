"""Demo data for trying Lectern: ``flask demo load``. Never used in production."""
