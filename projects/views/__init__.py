"""Views of the projects app, by audience: public pages, holders, funders (call managers),
reviewers and dashboards. Thin: fetch through selectors, ask a predicate, call a service,
render."""
