from atlas_shared.db.migrations import run_env

from atlas_portal.adapters.orm import metadata

run_env(metadata)
