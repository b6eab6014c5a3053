"""Duplicate signals block an agent's publication until a manager overrides them."""

import uuid

from sqlalchemy import select

from atlas_listings.domain import duplicates
from atlas_shared.db.platform import AuditEvent
from atlas_shared.testing import auth_headers

ORG = str(uuid.uuid4())
ADMIN, AGENT, MANAGER = auth_headers(ORG), auth_headers(ORG, "AGENT"), auth_headers(ORG, "MANAGER")
ORIGINAL = {
    "title": "Appartement vue mer à Malabata", "transactionType": "TX_SALE",
    "description": "Bel appartement de trois chambres avec vue sur la baie, cuisine équipée, parking.",
    "price": 2_000_000, "surfaceM2": 120, "rooms": 4, "city": "Tanger", "zone": "Malabata",
    "contactPhone": "0612345678",
}


def create(client, body, headers=AGENT):
    return client.post("/api/v1/listings", json=body, headers=headers).json["id"]


def publish(client, listing_id, headers=AGENT):
    return client.post(f"/api/v1/listings/{listing_id}/transitions",
                       json={"transitionCode": "ANN_T_PUBLISH"}, headers=headers)


def test_near_copy_is_flagged_blocked_then_overridden(client, container, add_photos):
    original = create(client, ORIGINAL)
    copy = create(client, {**ORIGINAL, "price": 1_980_000, "title": "Appartement vue mer à Malabata !"})
    add_photos(original, AGENT)
    add_photos(copy, AGENT)
    assert publish(client, original).status_code == 200  # drafts do not count: the first one out wins
    report = client.get(f"/api/v1/listings/{copy}/trust/duplicate", headers=AGENT).json
    assert report["score"] == 90 and report["threshold"] == 70 and report["blocksPublication"]
    assert {r["code"] for r in report["reasons"]} == {
        "SAME_CONTACT_PHONE", "SAME_ZONE_NEAR_PRICE_SURFACE", "NEAR_IDENTICAL_TEXT"}
    assert {r["listingId"] for r in report["reasons"]} == {original}
    blocked = publish(client, copy)
    assert blocked.status_code == 400 and "duplicateScore" in blocked.json["details"]
    assert client.get(f"/api/v1/listings/{copy}", headers=AGENT).json["status"] == "ANN_DRAFT"

    url = f"/api/v1/listings/{copy}/trust/duplicate/override"
    assert client.post(url, json={"justification": "Même bien, mandat exclusif"},
                       headers=AGENT).status_code == 403
    assert "justification" in client.post(url, json={}, headers=MANAGER).json["details"]
    done = client.post(url, json={"justification": "Vérifié : second mandat, même bien"}, headers=MANAGER)
    assert done.status_code == 200 and done.json["override"]["score"] == 90
    assert done.json["blocksPublication"] is False
    assert publish(client, copy).status_code == 200
    with container.platform.db.session(tenant_bypass=True) as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "DUPLICATE_OVERRIDDEN")).one()
    assert audit.entity_id == copy and "second mandat" in audit.diff["context"]["justification"]


def test_photos_reused_by_another_agency_feed_the_signal_without_revealing_it(client, upload, make_image,
                                                                              add_photos):
    photo = make_image(size=(120, 90), colour=7)
    theirs_headers = auth_headers(str(uuid.uuid4()), "AGENT")
    theirs = create(client, {**ORIGINAL, "contactPhone": None}, headers=theirs_headers)
    ours = create(client, {**ORIGINAL, "city": "Rabat", "contactPhone": None,
                           "description": "Texte entièrement différent pour ce bien situé ailleurs."})
    assert upload(ours, AGENT, photo).status_code == 200
    assert upload(theirs, theirs_headers, photo).status_code == 200  # the same image, elsewhere
    assert client.get(f"/api/v1/listings/{ours}/trust/duplicate", headers=AGENT).json["score"] == 0
    add_photos(theirs, theirs_headers, count=2)
    assert publish(client, theirs, theirs_headers).status_code == 200  # online: now it counts
    report = client.get(f"/api/v1/listings/{ours}/trust/duplicate", headers=AGENT).json
    [signal] = report["reasons"]
    assert signal["code"] == "SHARED_PHOTOS" and signal["points"] == 70
    assert signal["listingId"] is None and signal["sameOrganisation"] is False
    assert report["blocksPublication"] is True


def test_text_similarity_and_scores():
    a = duplicates.DuplicateFacts(id="a", org_id="o", contact_phone=None, city="Rabat", zone="Agdal",
                                  price=None, surface_m2=None, text="Studio meublé proche du tramway Agdal")
    b = duplicates.DuplicateFacts(id="b", org_id="o", contact_phone=None, city="Rabat", zone="Agdal",
                                  price=None, surface_m2=None, text="STUDIO MEUBLE proche du tramway, Agdal")
    assert duplicates.jaccard(duplicates.shingles(a.text), duplicates.shingles(b.text)) == 1.0
    assessed = duplicates.assess(a, [a, b])
    assert assessed.score == 35 and [s.code for s in assessed.signals] == ["NEAR_IDENTICAL_TEXT"]
    assert duplicates.blocks_publication(80, 70, None) and not duplicates.blocks_publication(80, 70, 80)
    assert duplicates.blocks_publication(90, 70, 80)  # a stronger signal after the override
