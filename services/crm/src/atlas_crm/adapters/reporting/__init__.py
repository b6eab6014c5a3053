"""The SQL behind the reports and the dashboard, tenant-scoped by the session like every query."""
