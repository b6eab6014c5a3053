"""Frozen copies of seed data, as they were when a migration shipped them. Never edit a file here:
a new seed version is a new file and a new migration."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load(name: str) -> Any:
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
