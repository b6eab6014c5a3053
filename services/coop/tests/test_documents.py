"""One document store: checked uploads (type, size, real content), hashed, stored, downloadable by
those allowed, logged on the timeline."""

import hashlib
import uuid

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_upload_answer_download_and_timeline(coop, atlas_env):
    group = coop.group()
    res = coop.upload(f"/groups/{group['id']}/documents", "DOC_PV", PDF, "../../PV AG 2026.pdf")
    assert res.status_code == 201, res.json
    doc = res.json
    assert {k: doc[k] for k in ("type", "fileName", "contentType", "size", "sha256")} == {
        "type": "DOC_PV", "fileName": "PV AG 2026.pdf", "contentType": "application/pdf", "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest()}
    assert doc["url"] == f"/api/v1/coop/documents/{doc['id']}/content"
    download = coop.client.get(doc["url"], headers=coop.headers("AUDITOR"))
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert len(_files(atlas_env / "coop-documents")) == 1
    logged = coop.ok("GET", f"/groups/{group['id']}/timeline", query_string={"type": "ACT_DOCUMENT_LOG"})["items"]
    assert logged[0]["data"]["documentId"] == doc["id"]
    listed = coop.ok("GET", f"/groups/{group['id']}/documents")
    assert [d["id"] for d in listed] == [doc["id"]]


def test_uploads_are_checked_and_nothing_is_kept_when_refused(coop, container, atlas_env):
    from atlas_coop.adapters.storage import DocumentSettings
    from atlas_coop.bootstrap import DOCUMENTS
    group = coop.group()
    path = f"/groups/{group['id']}/documents"
    assert coop.upload(path, "DOC_SELFIE").status_code == 400
    assert coop.upload(path, "DOC_PV", b"").status_code == 400
    gif = coop.upload(path, "DOC_PV", b"GIF89a" + b"\x00" * 20, "a.gif", "image/gif")
    assert gif.status_code == 400 and "PDF, JPEG or PNG" in gif.json["details"]["file"][0]
    liar = coop.upload(path, "DOC_PV", PDF, "a.png", "image/png")
    assert liar.status_code == 400 and "bytes are application/pdf" in liar.json["details"]["file"][0]
    assert coop.upload(path, "DOC_OTHER", JPEG, "photo.jpg", "image/jpeg").json["contentType"] == "image/jpeg"
    no_file = coop.client.post(f"/api/v1/coop{path}", data={"type": "DOC_PV"}, content_type="multipart/form-data",
                               headers=coop.headers())
    assert no_file.status_code == 400 and "file" in no_file.json["details"]
    as_json = coop.call("POST", path, {"type": "DOC_PV"})
    assert as_json.status_code == 415 and as_json.json["code"] == "UNSUPPORTED_MEDIA_TYPE"
    settings = container.platform.extras[DOCUMENTS]
    container.platform.extras[DOCUMENTS] = DocumentSettings(settings.storage, max_bytes=16)
    too_big = coop.upload(path, "DOC_PV")
    assert too_big.status_code == 413 and too_big.json["code"] == "PAYLOAD_TOO_LARGE"
    assert len(_files(atlas_env / "coop-documents")) == 1  # only the accepted JPEG


def test_who_may_upload_and_read(coop):
    group = coop.group()
    mine = coop.member(group["id"], "Amina", userId="amina")
    other = coop.member(group["id"], "Karim", userId="karim")
    me = {"roles": "COOP_MEMBER", "user": "amina"}
    assert coop.upload(f"/members/{mine['id']}/documents", "DOC_IDENTITY", PNG, "cin.png", "image/png",
                       **me).status_code == 201
    assert coop.upload(f"/members/{mine['id']}/documents", "DOC_PV", **me).status_code == 403
    assert coop.upload(f"/members/{other['id']}/documents", "DOC_IDENTITY", **me).status_code == 403
    assert coop.upload(f"/groups/{group['id']}/documents", "DOC_PV", **me).status_code == 403
    assert coop.upload(f"/members/{mine['id']}/documents", "DOC_IDENTITY", roles="AUDITOR").status_code == 403
    pv = coop.pv(group["id"])
    internal = coop.upload(f"/groups/{group['id']}/documents", "DOC_OTHER").json["id"]
    assert [d["id"] for d in coop.ok("GET", f"/groups/{group['id']}/documents", **me)] == [pv]
    assert coop.call("GET", f"/documents/{pv}/content", **me).status_code == 200
    assert coop.call("GET", f"/documents/{internal}/content", **me).status_code == 403
    karims = coop.upload(f"/members/{other['id']}/documents", "DOC_IDENTITY").json["id"]
    assert coop.call("GET", f"/documents/{karims}", **me).status_code == 403
    assert coop.call("GET", f"/documents/{karims}", roles="AGENT").status_code == 403
    assert coop.call("GET", f"/documents/{karims}/content", org=str(uuid.uuid4())).status_code == 404
    assert coop.upload(f"/members/{other['id']}/documents", "DOC_IDENTITY", org=str(uuid.uuid4())).status_code == 404
