"""The pages people see: search, listing, forms and their confirmations, SEO files and caching."""

import re
import uuid

import pytest

LEAD_FORM = {"fullName": "Karim Tazi", "phone": "0661234567", "email": "karim@example.ma",
             "message": "Je souhaite visiter ce samedi.", "contactChannelPreferred": "PHONE",
             "consentContact": "true", "website": ""}
PHOTO = {"id": "m1", "url": "/media/listings/o/l/m1.jpg", "thumbnailUrl": "/media/listings/o/l/m1-thumb.jpg",
         "primary": True, "sortOrder": 0, "width": 960, "height": 640}


@pytest.fixture
def listing(published):
    listing_id = published(media=[PHOTO], title="Appartement vue mer à Tanger", slug="appartement-vue-mer-a-tanger")
    return listing_id, f"/annonce/appartement-vue-mer-a-tanger-{listing_id}"


def html(res):
    return res.get_data(as_text=True)


def test_home_and_search_pages(client, listing, published):
    published(city="Rabat", zone="Agdal", transactionType="TX_RENT", title="Studio meublé proche tramway",
              slug="studio-meuble-proche-tramway", price=4800)
    home = html(client.get("/"))
    assert "<form" in home and 'action="/annonces"' in home and "Appartement vue mer à Tanger" in home
    page = client.get("/annonces/tanger/vente")
    assert page.status_code == 200 and "Biens à vendre à Tanger" in html(page)
    assert "Appartement vue mer" in html(page) and "Studio meublé" not in html(page)
    rent = html(client.get("/annonces/location"))
    assert "Studio meublé" in rent and "Appartement vue mer" not in rent
    assert "4\u202f800 MAD" in rent
    found = html(client.get("/annonces?q=tramway"))
    assert "Studio meublé" in found and '<meta name="robots" content="noindex, follow">' in found
    assert '<link rel="canonical" href="http://localhost/annonces">' in found
    bad = client.get("/annonces?price_max=cher")
    assert bad.status_code == 400 and "price_max" in html(bad)


def test_pagination_links(client, published):
    for n in range(14):
        published(title=f"Appartement numéro {n} à Rabat", city="Rabat", slug=f"appartement-{n}")
    first = html(client.get("/annonces/rabat"))
    assert "page 1 sur 2" in first and 'href="/annonces/rabat?page=2" rel="next"' in first
    second = html(client.get("/annonces/rabat?page=2"))
    assert second.count('class="card"') == 2 and 'rel="prev"' in second


def test_listing_page_has_gallery_meta_and_canonical(client, listing):
    listing_id, path = listing
    res = client.get(path)
    body = html(res)
    assert res.status_code == 200 and res.headers["Last-Modified"]
    assert "<title>Appartement vue mer à Tanger — 950\u202f000 MAD — Atlas Immobilier</title>" in body
    assert f'<link rel="canonical" href="http://localhost{path}">' in body
    assert 'src="/media/listings/o/l/m1.jpg"' in body and 'alt="Photo principale' in body
    assert '<meta name="description" content="Vente à Tanger (Malabata)' in body
    assert 'name="consentContact"' in body and 'class="hp"' in body
    assert "Bonjour, je suis intéressé(e) par ce bien" in body  # a message ready to send
    assert client.get(f"/annonce/garbage-{uuid.uuid4()}").status_code == 404
    missing = client.get("/annonce/not-a-listing")
    assert missing.status_code == 404 and "Page introuvable" in html(missing)


def test_contact_form_sends_the_lead_and_confirms(client, listing, outbox):
    listing_id, path = listing
    res = client.post(f"{path}/contact", data=LEAD_FORM, headers={"User-Agent": "Mozilla/5.0 test"})
    assert res.status_code == 201 and "Votre demande a bien été envoyée" in html(res)
    assert res.headers["Cache-Control"] == "no-store"
    [event] = outbox("portal.lead_submitted")
    assert event.payload["listingId"] == listing_id and event.payload["phone"] == "+212661234567"
    assert event.payload["contactChannelPreferred"] == "PHONE"
    reference = re.search(r"<strong>([0-9A-F]{8})</strong>", html(res)).group(1)
    assert event.payload["leadId"].upper().startswith(reference)


def test_contact_form_errors_keep_what_was_typed(client, listing, outbox):
    _, path = listing
    res = client.post(f"{path}/contact", data={**LEAD_FORM, "consentContact": "", "phone": "123"})
    body = html(res)
    assert res.status_code == 400 and "Votre demande n'a pas été envoyée" in body
    assert 'value="Karim Tazi"' in body and "Je souhaite visiter ce samedi." in body
    assert 'value="123"' in body and 'aria-invalid="true"' in body
    no_consent = html(client.post(f"{path}/contact", data={**LEAD_FORM, "consentContact": ""}))
    assert "Cochez cette case" in no_consent
    assert outbox("portal.lead_submitted") == []


def test_report_form_and_whatsapp_button(client, listing, outbox):
    _, path = listing
    res = client.post(f"{path}/signaler", data={"reasonCode": "REPORT_WRONG_INFO", "comment": "Prix faux"})
    assert res.status_code == 201 and "Merci pour votre signalement" in html(res)
    assert outbox("portal.report_submitted")[0].payload["reasonCode"] == "REPORT_WRONG_INFO"
    go = client.post(f"{path}/whatsapp", data={})
    assert go.status_code == 303 and go.headers["Location"].startswith("https://wa.me/212612345678?text=")
    assert outbox("portal.listing_event_recorded")[0].payload["eventType"] == "WHATSAPP_CLICKED"


def test_seo_files_and_legal_page(client, listing):
    _, path = listing
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml" and f"<loc>http://localhost{path}</loc>" in html(sitemap)
    robots = html(client.get("/robots.txt"))
    assert "Sitemap: http://localhost/sitemap.xml" in robots and "Disallow: /api/" in robots
    legal = client.get("/legal")
    assert legal.status_code == 200 and "données" in html(legal)


def test_public_gets_are_cacheable_and_revalidate(client, listing):
    _, path = listing
    for url in ("/", path, "/annonces", "/api/public/v1/listings"):
        first = client.get(url)
        assert first.headers["Cache-Control"].startswith("public") and first.headers["ETag"], url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url
    assert "ETag" not in client.get("/healthz").headers


def test_canonical_follows_the_gateway_host(client, listing):
    _, path = listing
    body = html(client.get(path, headers={"X-Forwarded-Host": "immo.example.ma", "X-Forwarded-Proto": "https"}))
    assert f'<link rel="canonical" href="https://immo.example.ma{path}">' in body


def test_media_files_are_served_from_the_photo_store(client, container):
    folder = container.platform.extras["media_dir"] / "listings" / "o" / "l"
    folder.mkdir(parents=True)
    (folder / "m1.jpg").write_bytes(b"\xff\xd8\xff fake jpeg")
    res = client.get("/media/listings/o/l/m1.jpg")
    assert res.status_code == 200 and res.data.startswith(b"\xff\xd8\xff")
    assert "immutable" in res.headers["Cache-Control"]
    assert client.get("/media/../bootstrap.py").status_code == 404
    assert client.get("/media/listings/o/l/none.jpg").status_code == 404


def test_a_refused_form_comes_back_filled_in(container, published, monkeypatch):
    from atlas_portal.bootstrap import build, create_http_app
    monkeypatch.setenv("ATLAS_PORTAL_WRITE_RATE", "1/minute")
    strict = build()
    client = create_http_app(strict).test_client()
    listing_id = published(slug="appartement-vue-mer-a-tanger")
    path = f"/annonce/appartement-vue-mer-a-tanger-{listing_id}"
    assert client.post(f"{path}/contact", data=LEAD_FORM).status_code == 201
    res = client.post(f"{path}/contact", data={**LEAD_FORM, "message": "Un second message important"})
    body = html(res)
    assert res.status_code == 429 and res.headers["Retry-After"]
    assert "Vous avez envoyé beaucoup de demandes" in body
    assert "Un second message important" in body and 'value="Karim Tazi"' in body
    strict.platform.db.dispose()
