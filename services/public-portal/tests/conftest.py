import pytest

from atlas_portal.bootstrap import build, create_http_app


@pytest.fixture
def container(atlas_env, database_url, monkeypatch):
    monkeypatch.setenv("ATLAS_PUBLIC_PORTAL_DATABASE_URL", database_url("atlas_portal:migrations"))
    c = build()
    yield c
    c.platform.db.dispose()


@pytest.fixture
def client(container):
    return create_http_app(container).test_client()
