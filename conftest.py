pytest_plugins = ["atlas_shared.testing"]
