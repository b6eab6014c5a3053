"""Extra ``atlas-crm`` commands for search."""

from __future__ import annotations

import json

import click


@click.command("search-reindex", help="Rebuild the search documents of dossiers, stakeholders, notes "
                                      "and messages from the CRM tables (after a bulk load that "
                                      "bypassed the API).")
def search_reindex() -> None:
    from atlas_crm.bootstrap import build
    from atlas_crm.service_layer.search import rebuild_index
    container = build()
    click.echo(json.dumps({"indexed": rebuild_index(container.platform.db)}))
