"""Phone numbers in E.164 (default region MA), with the raw input kept by callers."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "MA"


class InvalidPhone(ValueError):
    pass


def to_e164(raw: str, region: str = DEFAULT_REGION) -> str:
    text = (raw or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"'{raw}' is not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"'{raw}' is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
