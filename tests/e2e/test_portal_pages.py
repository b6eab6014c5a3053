"""The public pages in a real headless Chromium, through the gateway: search, open a listing, ask to
be contacted, see the confirmation; the lead becomes a dossier in the listing's organisation.

Debian's chromium (scripts/install-browser.sh) driven by Playwright; never `playwright install`. A
machine without the browser FAILS this test: it must not pass silently.
"""

from __future__ import annotations

import io
import os
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser.sh (make test does).", pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def photo() -> bytes:
    rnd = random.Random(uuid.uuid4().int)
    image = Image.new("RGB", (640, 480), tuple(rnd.randrange(80, 256) for _ in range(3)))
    image.paste((60, 90, 140), (rnd.randrange(300), rnd.randrange(200), 600, 440))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def publish_listing(api, org: str, word: str) -> dict:
    body = {"title": f"Duplex {word} avec terrasse panoramique", "transactionType": "TX_RENT",
            "description": "Duplex meublé de standing, deux chambres, terrasse panoramique sur la ville, "
                           "cuisine ouverte équipée, résidence sécurisée avec gardien et parking.",
            "price": 14_500, "surfaceM2": 135, "rooms": 3, "bathrooms": 2, "city": "Rabat",
            "zone": "Souissi", "amenities": ["TERRACE", "PARKING", "SECURITY"]}
    listing = api.post("/api/v1/listings", org=org, json=body).json()
    for _ in range(3):
        data = photo()
        target = api.post(f"/api/v1/listings/{listing['id']}/media/init", org=org,
                          json={"fileName": "vue.jpg", "contentType": "image/jpeg", "size": len(data)}).json()
        url = urlsplit(target["uploadUrl"])
        assert api.request("PUT", f"{url.path}?{url.query}", org=org, data=data,
                           headers=target["headers"]).status_code == 200
        api.post(f"/api/v1/listings/{listing['id']}/media/{target['mediaId']}/finalize", org=org)
    res = api.post(f"/api/v1/listings/{listing['id']}/transitions", org=org,
                   json={"transitionCode": "ANN_T_PUBLISH"})
    assert res.status_code == 200, res.text[:300]
    api.eventually(lambda: api.get(f"/api/public/v1/listings/{listing['id']}").status_code == 200,
                   "the listing on the portal")
    return listing


def test_visitor_finds_a_listing_and_asks_to_be_contacted(api, browser, tmp_path: Path):
    api.require("listings", "portal")
    org, word = str(uuid.uuid4()), f"zephyr{uuid.uuid4().hex[:6]}"
    listing = publish_listing(api, org, word)
    page = browser.new_page(locale="fr-FR")
    try:
        page.goto(api.base + "/")
        assert page.locator("h1").inner_text() == "Trouvez votre futur logement"
        page.get_by_label("Mots-clés").fill(word)
        page.get_by_label("Transaction").select_option("RENT")
        page.get_by_role("button", name="Rechercher").click()
        page.wait_for_url("**/annonces?**")
        card = page.locator(".card", has_text=word)
        assert card.count() == 1
        card.locator("a").click()
        page.wait_for_url(f"**/annonce/{listing['slug']}-{listing['id']}")
        assert word in page.locator("h1").inner_text()
        assert page.locator(".gallery img").count() == 3
        assert page.locator("link[rel=canonical]").get_attribute("href").endswith(listing["id"])
        page.screenshot(path=str(tmp_path / "listing.png"), full_page=True)

        page.get_by_label("Nom complet").fill("Amine Berrada")
        page.get_by_label("Téléphone", exact=True).fill("06 70 11 22 33")
        page.get_by_role("button", name="Envoyer ma demande").click()
        assert "Cochez cette case" in page.locator("#consentContact-error").inner_text()
        assert page.get_by_label("Nom complet").input_value() == "Amine Berrada"  # nothing typed is lost
        page.get_by_label("J'accepte que l'agence").check()
        page.get_by_role("button", name="Envoyer ma demande").click()
        page.get_by_role("heading", name="Votre demande a bien été envoyée").wait_for()
        assert len(page.locator(".success strong").inner_text()) == 8  # the request's reference
        page.screenshot(path=str(tmp_path / "sent.png"), full_page=True)
    finally:
        page.close()

    if not api.stack.running("crm"):
        return
    dossiers = api.eventually(
        lambda: [d for d in api.get("/api/v1/dossiers", org=org, params={"size": 50}).json()["items"]
                 if d.get("phone") == "+212670112233"],
        "the dossier created in the CRM from the page's lead")
    assert dossiers[0]["phone"] == "+212670112233" and dossiers[0].get("annonceId") == listing["id"]
