"""WSGI entrypoint for gunicorn: ``atlas_outbound.entrypoints.wsgi:create_app()``."""

from flask import Flask

from atlas_outbound.bootstrap import build, create_http_app


def create_app() -> Flask:
    return create_http_app(build())
