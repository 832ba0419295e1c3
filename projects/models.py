"""Calls, projects, assessments and scores: see the calls-and-submissions issue."""
