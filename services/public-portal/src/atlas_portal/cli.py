"""``atlas-portal``: migrate, serve, worker, dlq, rebuild-read-model."""


def main() -> None:
    from atlas_shared.cli.service import prepare_env
    prepare_env("public-portal")
    from atlas_portal.bootstrap import SPEC
    from atlas_shared.cli.service import service_cli
    service_cli(SPEC)()
