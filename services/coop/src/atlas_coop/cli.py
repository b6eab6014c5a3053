"""``atlas-coop``: migrate, serve, worker, dlq, mark-late, remind."""


def main() -> None:
    from atlas_shared.cli.service import prepare_env
    prepare_env("coop")
    from atlas_coop.bootstrap import SPEC
    from atlas_shared.cli.service import service_cli
    service_cli(SPEC)()
