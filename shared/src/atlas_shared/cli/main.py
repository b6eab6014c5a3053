"""``atlas``: developer commands for the whole platform (``atlas token``, ``atlas run``)."""

from __future__ import annotations

import os
import sys
import uuid

import click

from atlas_shared.settings import DEMO_ORG_ID

KNOWN_ROLES = ("ADMIN_ORG", "MANAGER", "AGENT", "OWNER", "MODERATOR", "COOP_MANAGER", "COOP_MEMBER",
               "AUDITOR")


@click.group(help="Atlas developer tools. Each service also has its own CLI (atlas-<service>).")
def cli() -> None:
    pass


@cli.command(help="Print a signed HS256 dev token (ATLAS_JWT_SECRET, or the built-in dev secret).")
@click.option("--org", "orgs", multiple=True, metavar="ORG",
              help=f"Org the token entitles (repeatable; default the demo org {DEMO_ORG_ID}).")
@click.option("--role", "roles", multiple=True, required=True, metavar="ROLE",
              help=f"Role (repeatable): {', '.join(KNOWN_ROLES)}.")
@click.option("--user", default=None, metavar="ID", help="The token's sub (default: a random UUID).")
@click.option("--ttl", default=3600, show_default=True, type=click.IntRange(min=1), metavar="SECONDS",
              help="Lifetime in seconds.")
def token(orgs: tuple[str, ...], roles: tuple[str, ...], user: str | None, ttl: int) -> None:
    from atlas_shared.security import SecuritySettings, issue_dev_token

    if os.environ.get("ATLAS_JWT_JWKS_URL"):
        raise click.ClickException(
            "ATLAS_JWT_JWKS_URL is set: this environment verifies RS256 tokens issued by Keycloak, "
            "so a dev token would be refused. Get a token from Keycloak, or unset ATLAS_JWT_JWKS_URL "
            "for a local stack.")
    org_ids = list(orgs) or [DEMO_ORG_ID]
    for org in org_ids:
        try:
            uuid.UUID(org)
        except ValueError:
            raise click.BadParameter(f"{org!r} is not an organisation id (UUID).",
                                     param_hint="--org") from None
    for role in roles:
        if role not in KNOWN_ROLES:
            click.echo(f"warning: {role!r} is not one of the known roles ({', '.join(KNOWN_ROLES)})",
                       err=True)
    settings = SecuritySettings.from_env()
    assert settings.jwt_secret  # always set without JWKS (DEV_SECRET default)
    click.echo(issue_dev_token(settings.jwt_secret, org_ids, list(roles), user_id=user, ttl=ttl,
                               issuer=settings.issuer, audience=settings.audience,
                               org_claim=settings.org_claim))


@cli.command(help="Run the whole stack: migrate, start gateway + services + workers, seed the demo "
                  "org, print URLs and a demo token. Ctrl-C stops every process it started.")
@click.option("--check", is_flag=True,
              help="Start everything, run a smoke test through the gateway, print OK and stop.")
@click.option("--no-seed", is_flag=True, help="Do not seed the demo organisation.")
@click.option("--timeout", "health_timeout", default=120.0, show_default=True, type=float,
              help="Seconds to wait for every /healthz.")
def run(check: bool, no_seed: bool, health_timeout: float) -> None:
    from atlas_shared.cli.devstack import SmokeTestError, Stack, StackError, sigterm_stops, smoke_test

    stack = Stack(health_timeout=health_timeout)
    say = stack.out.say
    code = 0
    with sigterm_stops():
        try:
            say(f"starting Atlas (var dir {stack.var_dir}, gateway {stack.gateway_url})")
            stack.start(seed=not no_seed)
            token = stack.dev_token()
            if check:
                if token is None:
                    raise click.ClickException("--check needs dev tokens: unset ATLAS_JWT_JWKS_URL.")
                check_org = str(uuid.uuid4())  # a throw-away org: the demo org keeps its demo data
                smoke_test(stack.gateway_url, stack.dev_token([check_org], user_id="atlas-check") or "",
                           check_org, say=say)
                stack.check_alive()
                say("OK")
            else:
                stack.out.raw(stack.banner(token))
                stack.supervise()
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (StopRequested)
            say("stopping...")
        except StackError as exc:
            say(f"error: {exc}")
            code = 1
        except SmokeTestError as exc:
            say(f"check FAILED: {exc}")
            code = 1
        finally:
            stack.stop()
    say("stopped" if code == 0 else "stopped (with errors)")
    sys.exit(code)
