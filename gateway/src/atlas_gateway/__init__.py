"""Atlas API gateway: one entry point that routes, authenticates and rate-limits for the services."""
