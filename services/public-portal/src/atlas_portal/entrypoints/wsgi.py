"""WSGI entrypoint for gunicorn: ``atlas_portal.entrypoints.wsgi:create_app()``."""

from flask import Flask

from atlas_portal.bootstrap import build, create_http_app


def create_app() -> Flask:
    return create_http_app(build())
