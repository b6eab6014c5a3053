"""WSGI entrypoint for gunicorn: ``atlas_coop.entrypoints.wsgi:create_app()``."""

from flask import Flask

from atlas_coop.bootstrap import build, create_http_app


def create_app() -> Flask:
    return create_http_app(build())
