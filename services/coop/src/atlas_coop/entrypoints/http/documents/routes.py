"""The coop document store: upload to a group, a member (KYC, payment proofs) or an allocation (PV,
contract); list; read; download by those allowed."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response
from flask.views import MethodView

from atlas_coop.entrypoints.http.common import PREFIX, documents, uow
from atlas_coop.entrypoints.http.documents.schemas import DocumentSchema, UploadFileSchema, UploadFormSchema
from atlas_coop.service_layer import documents as store
from atlas_shared.web.app import accepts
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("coop-documents", __name__, url_prefix=PREFIX,
                description="Documents of groups, members and allocations (PV, contracts, KYC, proofs)")


def _upload(kind: str, entity_id, form, files):  # type: ignore[no-untyped-def]
    file = files["file"]
    doc = store.Upload(form["type"], file.filename, file.mimetype or None, file.read())
    return store.upload(uow(), documents(), kind, entity_id, doc)


def _owner_routes(kind: str, rule: str, who: str) -> None:
    class Owned(MethodView):
        @blp.arguments(UploadFormSchema, location="form")
        @blp.arguments(UploadFileSchema, location="files")
        @blp.response(201, DocumentSchema)
        @accepts("multipart/form-data")
        def post(self, form, files, entity_id):  # type: ignore[no-untyped-def]
            return _upload(kind, entity_id, form, files)

        @blp.response(200, DocumentSchema(many=True))
        def get(self, entity_id):  # type: ignore[no-untyped-def]
            return store.list_documents(uow(read_only=True), kind, entity_id)

    Owned.post.__doc__ = f"Upload a document to {who} (multipart/form-data: type, file); on the timeline."
    Owned.get.__doc__ = f"The documents of {who}."
    Owned.__name__ = f"{kind.capitalize()}Documents"
    blp.route(rule, endpoint=f"{kind}-documents")(Owned)


_owner_routes("group", "/groups/<uuid:entity_id>/documents", "a group (COOP_MANAGER; members read its PVs)")
_owner_routes("member", "/members/<uuid:entity_id>/documents",
              "a member (KYC and payment proofs: the member themself or a manager)")
_owner_routes("allocation", "/allocations/<uuid:entity_id>/documents",
              "an allocation (the PV validating it, the signed contract)")


def _disposition(name: str) -> str:
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


@blp.route("/documents/<uuid:document_id>")
class DocumentById(MethodView):
    @blp.response(200, DocumentSchema)
    def get(self, document_id):  # type: ignore[no-untyped-def]
        """One document's record."""
        return store.get_document(uow(read_only=True), document_id)


@blp.route("/documents/<uuid:document_id>/content")
class DocumentContent(MethodView):
    @blp.response(200, content_type="application/octet-stream")
    def get(self, document_id):  # type: ignore[no-untyped-def]
        """Download the file (same rights as reading its record)."""
        doc, data = store.download(uow(read_only=True), documents(), document_id)
        return Response(data, content_type=doc["contentType"], headers={
            "Content-Disposition": _disposition(doc["fileName"]),
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
