"""Public search as a visitor uses it: words, places, bounds, photos; slugs and their history."""

import uuid

PHOTO = {"id": str(uuid.uuid4()), "url": "/media/listings/a/b/1.jpg", "thumbnailUrl": "/media/listings/a/b/1-thumb.jpg",
         "primary": True, "sortOrder": 0, "fileName": "IMG_2024_passeport.jpg", "sha256": "ab" * 32}
SECOND = {"id": str(uuid.uuid4()), "url": "/media/listings/a/b/2.jpg", "thumbnailUrl": "/media/listings/a/b/2-thumb.jpg",
          "primary": False, "sortOrder": 1}


def ids(client, qs):
    res = client.get(f"/api/public/v1/listings?{qs}")
    assert res.status_code == 200, res.json
    return {i["listingId"] for i in res.json["items"]}


def test_text_search_folds_accents_matches_prefixes_and_needs_every_word(client, published):
    riad = published(title="Riad rénové au cœur de la médina", description="Patio, fontaine et terrasse.",
                     city="Marrakech", zone="Médina")
    villa = published(title="Villa avec piscine à la Palmeraie", description="Grand jardin arboré.",
                      city="Marrakech", zone="Palmeraie")
    assert ids(client, "q=medina") == {riad}
    assert ids(client, "q=RÉNOV") == {riad}           # prefix, case and accents folded
    assert ids(client, "q=piscine jardin") == {villa}  # every word must match
    assert ids(client, "q=piscine patio") == set()
    assert ids(client, "q=marrakech") == {riad, villa}
    assert ids(client, "q=%25%27") == {riad, villa}    # punctuation only: no text filter, no error


def test_places_bounds_and_sort(client, published):
    fes = published(city="Fès", zone="Fès Jdid", price=500000, surfaceM2=90)
    big = published(city="Rabat", zone="Hay Riad", price=2500000, surfaceM2=300)
    assert ids(client, "city=fes") == ids(client, "city=F%C3%A8s") == {fes}
    assert ids(client, "zone=hay riad") == {big}
    assert ids(client, "surface_min=100&surface_max=400") == {big}
    items = client.get("/api/public/v1/listings?sort=price_asc").json["items"]
    assert [i["listingId"] for i in items] == [fes, big]


def test_photos_thumbnail_amenities_and_geo(client, published):
    listing_id = published(media=[SECOND, PHOTO], amenities=["ELEVATOR", "PARKING"])
    [item] = client.get("/api/public/v1/listings").json["items"]
    assert item["thumbnailUrl"] == PHOTO["thumbnailUrl"]
    detail = client.get(f"/api/public/v1/listings/{listing_id}").json
    assert [m["id"] for m in detail["media"]] == [PHOTO["id"], SECOND["id"]]  # primary first
    assert detail["amenities"] == ["ELEVATOR", "PARKING"] and detail["geo"] == {"lat": 35.77, "lng": -5.78}
    assert "whatsappPhone" not in detail and "contactPhone" not in detail
    assert set(detail["media"][0]) == {"id", "url", "thumbnailUrl", "width", "height", "primary", "sortOrder"}


def test_renamed_listing_keeps_its_old_slug_for_redirects(client, published, consume, container):
    listing_id = published(slug="appartement-vue-mer-a-tanger")
    published(id=listing_id, version=3, slug="appartement-renove-vue-mer", title="Appartement rénové vue mer")
    res = client.get(f"/annonce/appartement-vue-mer-a-tanger-{listing_id}")
    assert res.status_code == 301 and res.headers["Location"].endswith(f"/annonce/appartement-renove-vue-mer-{listing_id}")
    assert client.get(f"/annonce/appartement-renove-vue-mer-{listing_id}").status_code == 200
    assert client.get(f"/annonce/never-was-its-slug-{listing_id}").status_code == 404
    assert client.get(f"/api/public/v1/listings/{listing_id}").json["slug"] == "appartement-renove-vue-mer"


def totals(client, qs):
    res = client.get(f"/api/public/v1/listings?{qs}")
    assert res.status_code == 200, res.json
    return res.json["total"], len(res.json["items"])


def test_total_is_exact_whether_counted_or_known_from_the_last_page(client, published, container):
    container.platform.extras["search_totals"] = None  # every multi-page answer counts
    for _ in range(5):
        published(city="Agadir")
    published(city="Rabat")
    assert totals(client, "city=agadir&size=2") == (5, 2)           # counted
    assert totals(client, "city=agadir&size=2&page=3") == (5, 1)    # the last page: known
    assert totals(client, "city=agadir&size=2&page=4") == (5, 0)    # past the end: counted
    assert totals(client, "city=agadir&size=10") == (5, 5)          # fits on the page: known
    assert totals(client, "city=oujda") == (0, 0)
    assert totals(client, "q=zzz&size=1&page=2") == (0, 0)


def test_counted_totals_are_reused_while_paging_and_sorting_until_their_ttl(client, published, container):
    from atlas_portal.adapters.search_totals import SearchTotals

    now = [0.0]
    container.platform.extras["search_totals"] = SearchTotals(ttl=30, clock=lambda: now[0])
    for _ in range(3):
        published(city="Fès", title="Riad rénové")
    assert totals(client, "city=fes&q=riad&size=2") == (3, 2)
    published(city="Fès", title="Riad rénové")
    # Same filters (spelt differently), another page or sort: the total counted 10 s ago.
    assert totals(client, "city=F%C3%A8s&q=RIAD&size=2&sort=price_asc") == (3, 2)
    assert totals(client, "city=fes&q=riad&size=3&page=2") == (4, 1)  # the last page: known, exact
    assert totals(client, "city=fes&q=riad&size=2&tx=SALE") == (4, 2)  # other filters: counted
    now[0] = 31.0
    assert totals(client, "city=fes&q=riad&size=2") == (4, 2)


def test_search_totals_expire_and_stay_bounded():
    from atlas_portal.adapters.search_totals import SearchTotals

    now = [0.0]
    cache = SearchTotals(ttl=10, capacity=2, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1          # a is now the most recently used
    cache.put("c", 3)                   # evicts b
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    now[0] = 10.0
    assert cache.get("a") is None and cache.get("c") is None
    off = SearchTotals(ttl=0)
    off.put("a", 1)
    assert off.get("a") is None


def test_a_large_total_is_the_planners_estimate_flagged_not_exact(client, published, container, monkeypatch):
    from atlas_portal.adapters.repositories import PublicListingRepository
    from atlas_shared.db.repository import approximate

    container.platform.extras.update(search_totals=None, exact_total_up_to=2)
    for _ in range(5):
        published(city="Tanger")
    expected = {}
    monkeypatch.setattr(PublicListingRepository, "estimate", lambda self, page_run: expected.get("rows"))
    expected["rows"] = 1376                       # more than 2 expected: the estimate, rounded
    body = client.get("/api/public/v1/listings?city=tanger&size=2").json
    assert (body["total"], body["totalExact"], len(body["items"])) == (1400, False, 2)
    from atlas_portal.entrypoints.web import routes as pages
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    assert "environ 1400 annonces" in client.get("/annonces/tanger").get_data(as_text=True)
    expected["rows"] = 1                          # never below what the page itself proves
    assert client.get("/api/public/v1/listings?city=tanger&size=2&page=2").json["total"] == 5  # 2 expected: counted
    expected["rows"] = 3
    body = client.get("/api/public/v1/listings?city=tanger&size=2&page=2").json
    assert (body["total"], body["totalExact"]) == (4, False)   # estimate 3 < the 4 rows already seen
    body = client.get("/api/public/v1/listings?city=tanger&size=2&page=3").json
    assert (body["total"], body["totalExact"]) == (5, True)    # the last page: exact
    expected["rows"] = None                       # SQLite: no estimate, always counted
    body = client.get("/api/public/v1/listings?city=tanger&size=2").json
    assert (body["total"], body["totalExact"]) == (5, True)
    container.platform.extras["exact_total_up_to"] = 0     # 0: always count
    expected["rows"] = 1376
    assert client.get("/api/public/v1/listings?city=tanger&size=2").json["totalExact"] is True
    assert [approximate(n) for n in (7, 99, 100, 1376, 24_877, 97_032)] == [7, 99, 100, 1400, 25_000, 97_000]


def test_the_estimate_is_postgresql_s_plan_rows(container, published):
    from atlas_portal.adapters.repositories import PublicListingRepository

    published(city="Tanger")
    with container.platform.db.session(tenant_bypass=True, read_only=True) as session:
        repo = PublicListingRepository(session)
        estimates, bare = [], None
        for sort in ("recent", "price_asc"):
            stmt = repo.search_statement({"q": "vue mer", "city": "Tanger", "price_max": 10**6, "sort": sort})
            page_run = session.connection().execute(stmt.limit(2).offset(2))
            page_run.all()
            estimates.append(repo.estimate(page_run))
            if container.platform.db.dialect == "postgresql":
                compiled = stmt.order_by(None).compile(dialect=session.get_bind().dialect)
                plan = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled.string}",
                                                            compiled.params).scalar()
                bare = int(plan[0]["Plan"]["Plan Rows"])
    if container.platform.db.dialect == "postgresql":
        # The page's own SQL (LIMIT/OFFSET, ORDER BY) gives the same estimate as the bare filter.
        assert isinstance(bare, int) and bare >= 0
        assert estimates == [bare, bare]
    else:
        assert estimates == [None, None]
