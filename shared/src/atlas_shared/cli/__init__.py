"""Command-line entrypoints: ``atlas`` (token, run) and the per-service CLIs."""
