"""Operator commands of ``atlas-outbound`` (besides migrate, serve, worker, dlq)."""

from __future__ import annotations

import json
import uuid

import click

from atlas_shared.context import RequestContext


def _org(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an organisation id (UUID).") from None


@click.group("limits", help="Per-org sending limits (an org cannot raise its own paid quota).")
def limits() -> None:
    pass


@limits.command("set", help="Set an org's daily quota and per-minute rate (audited).")
@click.option("--org", required=True)
@click.option("--daily", "daily", required=True, type=click.IntRange(min=0))
@click.option("--per-minute", "per_minute", required=True, type=click.IntRange(min=1))
def limits_set(org: str, daily: int, per_minute: int) -> None:
    from atlas_outbound.bootstrap import build
    from atlas_outbound.service_layer.limits import set_limits
    platform = build().platform
    ctx = RequestContext.system(org_id=_org(org), actor="cli:limits")
    click.echo(json.dumps(set_limits(platform.uow(ctx), daily, per_minute)))


@click.group("dead-letters", help="Messages that failed for good: list them, retry them.")
def dead_letters() -> None:
    pass


@dead_letters.command("list", help="Open dead letters of one org, or of every org.")
@click.option("--org", default=None)
@click.option("--size", default=100, show_default=True)
def dead_letters_list(org: str | None, size: int) -> None:
    from atlas_outbound.bootstrap import build
    from atlas_outbound.service_layer.dead_letters import list_letters
    platform = build().platform
    ctx = RequestContext.system(org_id=_org(org) if org else None, actor="cli:dead-letters")
    page = list_letters(platform.uow(ctx, read_only=True, tenant_bypass=org is None), {"size": size},
                        check_role=False)
    for letter in page.items:
        click.echo(json.dumps(letter))
    click.echo(f"{page.total} open dead letter(s)", err=True)


@dead_letters.command("retry", help="Queue a FAILED message again (policy checked again).")
@click.option("--org", required=True)
@click.option("--message-id", required=True)
def dead_letters_retry(org: str, message_id: str) -> None:
    from atlas_outbound.bootstrap import build
    from atlas_outbound.service_layer.messages import retry_message
    container = build()
    ctx = RequestContext(org_id=_org(org), user_id="cli:dead-letters", roles=frozenset({"ADMIN_ORG"}))
    body = retry_message(container.platform.uow(ctx), container.settings, message_id, container.clock,
                         container.email_ready)
    click.echo(json.dumps({"id": body["id"], "status": body["status"]}))


commands = [limits, dead_letters]
