"""Gunicorn settings shared by every service (``--config python:atlas_shared.web.gunicorn_conf``)."""

import os

accesslog = None
# Several services run on one host: gunicorn's per-user control socket would be shared between them.
control_socket_disable = True
graceful_timeout = 20
# A sync worker is silent towards the arbiter for as long as it answers one request: an export that
# streams a whole audit trail must not be taken for a hung worker and killed.
timeout = 300


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    from atlas_shared.logs import configure_logging
    configure_logging(os.environ.get("ATLAS_SERVICE_NAME", "service"),
                      os.environ.get("ATLAS_LOG_LEVEL", "INFO"))


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
