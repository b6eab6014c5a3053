"""What every public POST goes through first, before its body is even parsed: a size cap and the
per-IP rate limit (installed as a ``before_request`` hook on each public blueprint)."""

from __future__ import annotations

import math

from flask import g, request

from atlas_portal.adapters.abuse import client_ip
from atlas_portal.service_layer.contact import Origin
from atlas_shared.errors import PayloadTooLarge, RateLimited
from atlas_shared.web.app import current_platform

MAX_PUBLIC_BODY = 16 * 1024  # a contact form, not an upload


def origin() -> Origin:
    abuse = current_platform().extras["abuse"]
    ip = client_ip(request.remote_addr, request.headers.get("X-Forwarded-For"), abuse.trusted_proxies)
    key = (request.headers.get("Idempotency-Key") or "").strip()[:200] or None
    return Origin(ip=ip, user_agent=(request.user_agent.string or "")[:300] or None, idempotency_key=key,
                  per_hour=abuse.submissions_per_hour)


def guard() -> Origin:
    """Refuse an oversized body (413) or a client over its rate (429 with Retry-After)."""
    if (request.content_length or 0) > MAX_PUBLIC_BODY:
        raise PayloadTooLarge(details={"maxBytes": MAX_PUBLIC_BODY})
    who = origin()
    wait = current_platform().extras["limiter"].retry_after(who.ip)
    if wait:
        seconds = str(max(1, math.ceil(wait)))
        raise RateLimited("Too many requests: try again later.", {"retryAfterSeconds": int(seconds)},
                          headers={"Retry-After": seconds})
    return who


def protect() -> None:
    """``before_request`` of the public blueprints: every POST, valid or not, spends the budget."""
    if request.method == "POST":
        g.public_origin = guard()


def current_origin() -> Origin:
    return g.public_origin
