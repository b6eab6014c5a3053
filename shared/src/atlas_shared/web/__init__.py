"""HTTP layer shared by the services: app factory, errors, auth, pagination."""
