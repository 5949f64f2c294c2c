"""Unit and province dashboards, and the unit's Excel exports."""
