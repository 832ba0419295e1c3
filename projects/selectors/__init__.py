"""Reads of the projects app, by area: calls, submissions (projects and self-assessments) and
reviewing. Figures (aggregates over reviews) are the dashboards' (projects.dashboards)."""
