"""E-invoice tests: the offline EN 16931 validator and the documents generated for it."""
