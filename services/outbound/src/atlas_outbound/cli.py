"""``atlas-outbound``: migrate, serve, worker, dlq."""


def main() -> None:
    from atlas_shared.cli.service import prepare_env
    prepare_env("outbound")
    from atlas_outbound.bootstrap import SPEC
    from atlas_shared.cli.service import service_cli
    service_cli(SPEC)()
