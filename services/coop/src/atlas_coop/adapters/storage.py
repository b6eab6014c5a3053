"""Where coop documents are kept: a local folder behind an interface another backend can implement."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class DocumentStorage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def delete(self, key: str) -> None: ...


class LocalDocumentStorage:
    """Files under one root folder; writes are atomic (a reader never sees half a file)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key escapes the documents folder: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


@dataclass(frozen=True)
class DocumentSettings:
    storage: DocumentStorage
    max_bytes: int


def document_settings(env: Mapping[str, str], var_dir: Path) -> DocumentSettings:
    """``ATLAS_COOP_DOCUMENTS_DIR`` (default ``<ATLAS_VAR_DIR>/coop-documents``) and
    ``ATLAS_COOP_DOCUMENT_MAX_BYTES`` (default 10 MiB)."""
    root = Path(env.get("ATLAS_COOP_DOCUMENTS_DIR") or var_dir / "coop-documents")
    return DocumentSettings(LocalDocumentStorage(root),
                            int(env.get("ATLAS_COOP_DOCUMENT_MAX_BYTES", str(DEFAULT_MAX_BYTES))))
