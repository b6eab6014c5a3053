"""French wording of the codes the pages show, and the template filters that format values."""

from __future__ import annotations

from typing import Any

TX = {"SALE": "Vente", "RENT": "Location"}
TX_SLUGS = {"vente": "SALE", "location": "RENT"}
AMENITIES = {
    "ELEVATOR": "Ascenseur", "PARKING": "Parking", "BALCONY": "Balcon", "TERRACE": "Terrasse",
    "GARDEN": "Jardin", "POOL": "Piscine", "AIR_CONDITIONING": "Climatisation",
    "HEATING": "Chauffage", "FURNISHED": "Meublé", "CONCIERGE": "Gardiennage", "SECURITY": "Sécurité",
    "SEA_VIEW": "Vue mer", "EQUIPPED_KITCHEN": "Cuisine équipée", "STORAGE": "Cave / rangement",
}
REPORT_REASONS = {
    "REPORT_FRAUD": "Arnaque ou fraude", "REPORT_DUPLICATE": "Annonce en double",
    "REPORT_WRONG_INFO": "Informations incorrectes", "REPORT_SPAM": "Spam ou publicité",
    "REPORT_OTHER": "Autre raison",
}
CHANNELS = {"WHATSAPP": "WhatsApp", "PHONE": "Téléphone", "SMS": "SMS", "EMAIL": "E-mail"}
SORTS = {"recent": "Les plus récentes", "price_asc": "Prix croissant", "price_desc": "Prix décroissant"}


def money(value: Any, currency: str = "MAD") -> str:
    if value is None:
        return "Prix sur demande"
    return f"{int(round(float(value))):,}".replace(",", "\u202f") + f" {currency}"


def number(value: Any) -> str:
    if value is None:
        return "—"
    as_float = float(value)
    return str(int(as_float)) if as_float.is_integer() else f"{as_float:.1f}".replace(".", ",")


def amenity(code: str) -> str:
    return AMENITIES.get(code, code.replace("_", " ").capitalize())


FILTERS = {"money": money, "number": number, "amenity": amenity}
