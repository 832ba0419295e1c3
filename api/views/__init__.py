"""The API's endpoints, by area. Each asks the pages' predicate (`api.access.require`), reads
through the pages' selectors, writes through the services and takes figures from
`projects.dashboards`."""
