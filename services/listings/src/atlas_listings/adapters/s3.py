"""A minimal S3-compatible client (PUT/GET/DELETE object) signed with AWS Signature Version 4.

Plain signed HTTP requests instead of boto3: three calls do not justify the SDK. Path-style URLs
(``{endpoint}/{bucket}/{key}``) so MinIO, Ceph, Scaleway, OVH and AWS all work.
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True)
class S3Config:
    endpoint: str
    bucket: str
    region: str
    access_key: str
    secret_key: str
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> S3Config:
        missing = [name for name in ("ATLAS_S3_BUCKET", "ATLAS_S3_ACCESS_KEY_ID",
                                     "ATLAS_S3_SECRET_ACCESS_KEY") if not env.get(name)]
        if missing:
            raise ValueError(f"ATLAS_MEDIA_STORAGE=s3 needs {', '.join(missing)}.")
        region = env.get("ATLAS_S3_REGION", "us-east-1")
        return cls(endpoint=env.get("ATLAS_S3_ENDPOINT") or f"https://s3.{region}.amazonaws.com",
                   bucket=env["ATLAS_S3_BUCKET"], region=region,
                   access_key=env["ATLAS_S3_ACCESS_KEY_ID"], secret_key=env["ATLAS_S3_SECRET_ACCESS_KEY"])


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign(method: str, url: str, headers: dict[str, str], payload_sha256: str, region: str,
         access_key: str, secret_key: str, now: datetime) -> str:
    """The ``Authorization`` header value; ``headers`` must already hold x-amz-date and
    x-amz-content-sha256 (they are signed with every other header given)."""
    parts = urlsplit(url)
    canonical_uri = quote(parts.path or "/", safe="/-_.~")
    query = sorted(pair.split("=", 1) if "=" in pair else [pair, ""]
                   for pair in parts.query.split("&") if pair)
    canonical_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in query)
    lowered = {k.lower(): " ".join(v.strip().split()) for k, v in {**headers, "host": parts.netloc}.items()}
    signed = ";".join(sorted(lowered))
    canonical_headers = "".join(f"{k}:{lowered[k]}\n" for k in sorted(lowered))
    request = "\n".join([method, canonical_uri, canonical_query, canonical_headers, signed, payload_sha256])
    day = now.strftime("%Y%m%d")
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join([ALGORITHM, now.strftime("%Y%m%dT%H%M%SZ"), scope,
                         hashlib.sha256(request.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(f"AWS4{secret_key}".encode(), day), region), "s3"), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"


class S3Client:
    def __init__(self, config: S3Config) -> None:
        self.config = config

    def _url(self, key: str) -> str:
        return f"{self.config.endpoint.rstrip('/')}/{self.config.bucket}/{quote(key, safe='/-_.~')}"

    def _request(self, method: str, key: str, body: bytes = b"",
                 content_type: str | None = None) -> tuple[int, bytes]:
        now = datetime.now(UTC)
        digest = hashlib.sha256(body).hexdigest()
        headers = {"x-amz-date": now.strftime("%Y%m%dT%H%M%SZ"), "x-amz-content-sha256": digest}
        if content_type:
            headers["content-type"] = content_type
        url = self._url(key)
        c = self.config
        headers["Authorization"] = sign(method, url, headers, digest, c.region, c.access_key,
                                        c.secret_key, now)
        request = urllib.request.Request(url, data=body if method == "PUT" else None, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=c.timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def put_object(self, key: str, data: bytes, content_type: str) -> None:
        status, body = self._request("PUT", key, data, content_type)
        if status >= 300:
            raise OSError(f"S3 PUT {key} answered {status}: {body[:300]!r}")

    def get_object(self, key: str) -> bytes | None:
        status, body = self._request("GET", key)
        if status == 404:
            return None
        if status >= 300:
            raise OSError(f"S3 GET {key} answered {status}: {body[:300]!r}")
        return body

    def delete_object(self, key: str) -> None:
        status, body = self._request("DELETE", key)
        if status >= 300 and status != 404:
            raise OSError(f"S3 DELETE {key} answered {status}: {body[:300]!r}")
