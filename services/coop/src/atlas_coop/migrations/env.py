from atlas_coop.adapters.orm import metadata
from atlas_shared.db.migrations import run_env

run_env(metadata)
