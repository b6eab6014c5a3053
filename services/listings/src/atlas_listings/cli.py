"""``atlas-listings``: migrate, serve, worker, dlq, seed-demo."""


def main() -> None:
    from atlas_shared.cli.service import prepare_env
    prepare_env("listings")
    from atlas_listings.bootstrap import SPEC
    from atlas_shared.cli.service import service_cli
    service_cli(SPEC)()
