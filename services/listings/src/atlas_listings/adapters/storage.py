"""Where listing photos are kept: a local folder (default) or an S3-compatible bucket, one interface.

Published photos are public: ``public_url(key)`` is what the portal and the pro API show. The local
store's files are served at ``/media/{key}`` (the portal serves that folder through the gateway).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from atlas_listings.adapters.s3 import S3Client, S3Config


class MediaStorage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def delete(self, key: str) -> None: ...
    def public_url(self, key: str) -> str: ...


class LocalStorage:
    def __init__(self, root: Path, base_url: str = "/media") -> None:
        self.root, self.base_url = root.resolve(), base_url.rstrip("/")

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key escapes the media folder: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".part")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # readers never see half a file

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def public_url(self, key: str) -> str:
        return f"{self.base_url}/{key}"


class S3Storage:
    def __init__(self, client: S3Client, public_base_url: str) -> None:
        self.client, self.base_url = client, public_base_url.rstrip("/")

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(key, data, content_type)

    def get(self, key: str) -> bytes | None:
        return self.client.get_object(key)

    def delete(self, key: str) -> None:
        self.client.delete_object(key)

    def public_url(self, key: str) -> str:
        return f"{self.base_url}/{key}"


@dataclass(frozen=True)
class MediaSettings:
    max_bytes: int
    upload_ttl: int
    storage: MediaStorage


def media_settings(env: Mapping[str, str], var_dir: Path) -> MediaSettings:
    """``ATLAS_MEDIA_STORAGE`` = local (default: ``ATLAS_MEDIA_DIR``, else ``<var>/media``) or s3
    (``ATLAS_S3_BUCKET``, ``ATLAS_S3_ENDPOINT``, ``ATLAS_S3_REGION``, ``ATLAS_S3_ACCESS_KEY_ID``,
    ``ATLAS_S3_SECRET_ACCESS_KEY``, ``ATLAS_MEDIA_PUBLIC_BASE_URL``)."""
    kind = env.get("ATLAS_MEDIA_STORAGE", "local").lower()
    storage: MediaStorage
    if kind == "s3":
        config = S3Config.from_env(env)
        storage = S3Storage(S3Client(config), env.get("ATLAS_MEDIA_PUBLIC_BASE_URL")
                            or f"{config.endpoint.rstrip('/')}/{config.bucket}")
    elif kind == "local":
        storage = LocalStorage(Path(env.get("ATLAS_MEDIA_DIR") or var_dir / "media"),
                               env.get("ATLAS_MEDIA_BASE_URL", "/media"))
    else:
        raise ValueError(f"ATLAS_MEDIA_STORAGE={kind!r}: use 'local' or 's3'.")
    return MediaSettings(max_bytes=int(env.get("ATLAS_MEDIA_MAX_BYTES", str(10 * 1024 * 1024))),
                         upload_ttl=int(env.get("ATLAS_MEDIA_UPLOAD_TTL", "900")), storage=storage)
