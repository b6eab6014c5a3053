"""Extra ``atlas-crm`` commands: rebuild what the CRM derives from its own rows, after bulk loads."""

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


@click.command("refresh-milestones", help="Recompute every dossier's milestones (first answered, furthest "
                                          "stage, ever lost, visit booked) from its messages, status "
                                          "history and appointments (after a bulk load that bypassed "
                                          "the API).")
def refresh_milestones() -> None:
    from atlas_crm.adapters import milestones
    from atlas_crm.bootstrap import build
    container = build()
    with container.platform.db.engine.begin() as connection:
        click.echo(json.dumps({"dossiers": milestones.refresh(connection)}))
