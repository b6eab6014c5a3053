"""Template variables: which names a template takes, which are required, what a value may be."""

from __future__ import annotations

import re
from typing import Any

from atlas_outbound.domain.policy import Refusal

CATEGORIES = ("UTILITY", "MARKETING", "AUTHENTICATION")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_VALUE = 1024
# WhatsApp refuses template parameters with new lines, tabs or more than four consecutive spaces.
_WHATSAPP_BAD = re.compile(r"[\n\t]| {5,}")
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")


def check_variables(schema: list[dict[str, Any]], values: dict[str, Any], channel: str) -> list[str]:
    """The values in the template's order; raises TEMPLATE_VARIABLES_INVALID listing each problem."""
    problems: dict[str, list[str]] = {}
    names = [v["name"] for v in schema]
    for name in values:
        if name not in names:
            problems[name] = [f"Unknown variable; this template takes: {', '.join(names) or 'none'}."]
    ordered = []
    for var in schema:
        value = values.get(var["name"])
        text = "" if value is None else str(value).strip()
        if isinstance(value, (dict, list, bool)):
            problems[var["name"]] = ["Must be text or a number."]
        elif not text and var.get("required", True):
            problems[var["name"]] = ["Required."]
        elif len(text) > MAX_VALUE:
            problems[var["name"]] = [f"At most {MAX_VALUE} characters."]
        elif channel == "WHATSAPP" and _WHATSAPP_BAD.search(text):
            problems[var["name"]] = ["No new line, tab or more than four spaces in a row (WhatsApp)."]
        ordered.append(text)
    if problems:
        raise Refusal("TEMPLATE_VARIABLES_INVALID", "The template variables are not valid.",
                      details=problems)
    return ordered


def render(body: str, names: list[str], values: list[str]) -> str:
    """SMS and email templates are rendered here (WhatsApp renders its own)."""
    by_name = dict(zip(names, values, strict=True))
    return _PLACEHOLDER.sub(lambda m: by_name.get(m.group(1), ""), body)


def placeholders(body: str) -> set[str]:
    return set(_PLACEHOLDER.findall(body or ""))
