from atlas_shared.db.migrations import run_env

from atlas_crm.adapters.orm import metadata

run_env(metadata)
