"""Every Alembic revision id fits PostgreSQL's ``alembic_version.version_num`` (varchar(32)): SQLite
does not enforce the length, so a longer id would pass the embedded tests and fail a real upgrade."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LENGTH = 32


def revision_ids():
    for path in sorted(ROOT.glob("*/**/migrations/versions/*.py")):
        if ".venv" in path.parts:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "revision" for t in node.targets):
                yield path.relative_to(ROOT), ast.literal_eval(node.value)


def test_every_revision_id_fits_alembic_version_num():
    found = list(revision_ids())
    assert len(found) > 10
    too_long = [f"{path}: {rev!r} ({len(rev)})" for path, rev in found if len(rev) > MAX_LENGTH]
    assert too_long == []
