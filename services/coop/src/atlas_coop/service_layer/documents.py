"""The module's one document store: upload (checked, hashed, stored), list, download by those allowed."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from atlas_coop.adapters.ledger_repositories import AllocationRepository
from atlas_coop.adapters.orm import CoopDocument
from atlas_coop.adapters.repositories import DocumentRepository, GroupRepository, MemberRepository
from atlas_coop.adapters.storage import DocumentSettings
from atlas_coop.domain import documents as rules
from atlas_coop.domain.codes import (
    ALLOCATION,
    DOC_IDENTITY,
    DOC_OTHER,
    DOC_PAYMENT_PROOF,
    DOC_PV,
    DOC_TYPES,
    DOCUMENT,
    GROUP,
    MEMBER,
)
from atlas_coop.service_layer import access, timeline
from atlas_coop.service_layer.views import document_view
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Forbidden, PayloadTooLarge, ValidationFailed

MEMBER_UPLOADS = (DOC_IDENTITY, DOC_PAYMENT_PROOF, DOC_OTHER)
OWNERS = {"group": GROUP, "member": MEMBER, "allocation": ALLOCATION}


@dataclass(frozen=True)
class Upload:
    doc_type: str
    file_name: str | None
    declared_type: str | None
    data: bytes


def _owner(uow: UnitOfWork, kind: str, entity_id: Any, *, writing: bool,
           doc_type: str | None = None) -> uuid.UUID:
    """The group the entity belongs to, once the caller's right to it is checked."""
    if kind == GROUP:
        group = GroupRepository(uow.session).get(entity_id)
        if writing:
            access.require_manager(uow, "add documents to a group")
        access.ensure_group_access(uow, group)
        return group.id
    if kind == MEMBER:
        member = MemberRepository(uow.session).get(entity_id)
        access.ensure_member_access(uow, member)
        own_upload = access.member_only(uow) and doc_type in MEMBER_UPLOADS
        if writing and not access.is_manager(uow) and not own_upload:
            raise Forbidden(f"A member may upload {', '.join(MEMBER_UPLOADS)} to their own record only.")
        return member.group_id
    allocation = AllocationRepository(uow.session).get(entity_id)
    if writing:
        access.require_manager(uow, "add documents to an allocation")
    if access.member_only(uow) and allocation.member_id not in access.own_member_ids(uow):
        raise Forbidden("A member may only see their own allocation.")
    return allocation.group_id


def _checked(upload: Upload, settings: DocumentSettings) -> str:
    errors: dict[str, list[str]] = {}
    if upload.doc_type not in DOC_TYPES:
        errors["type"] = [f"Must be one of: {', '.join(DOC_TYPES)}."]
    if not upload.data:
        errors["file"] = ["The file is empty."]
    elif len(upload.data) > settings.max_bytes:
        raise PayloadTooLarge(f"A document may be at most {settings.max_bytes} bytes.",
                              {"file": [f"{len(upload.data)} bytes sent."]})
    sniffed = rules.sniff(upload.data)
    if upload.data and sniffed is None:
        errors["file"] = ["Only PDF, JPEG or PNG files are accepted (checked on the bytes)."]
    elif sniffed and upload.declared_type not in (None, "", "application/octet-stream", sniffed):
        errors["file"] = [f"Declared as {upload.declared_type} but the bytes are {sniffed}."]
    if errors:
        raise ValidationFailed("The document cannot be accepted.", errors)
    return sniffed  # type: ignore[return-value]


def upload(uow: UnitOfWork, settings: DocumentSettings, kind: str, entity_id: Any,
           doc: Upload) -> dict[str, Any]:
    access.require_reader(uow, "upload documents")
    with uow:
        group_id = _owner(uow, OWNERS[kind], entity_id, writing=True, doc_type=doc.doc_type)
        content_type = _checked(doc, settings)
        row = CoopDocument(id=uuid.uuid4(), group_id=group_id, entity_type=OWNERS[kind], entity_id=entity_id,
                           type=doc.doc_type, file_name=rules.clean_file_name(doc.file_name),
                           content_type=content_type, size=len(doc.data),
                           sha256=hashlib.sha256(doc.data).hexdigest(), uploaded_by=uow.ctx.user_id)
        row.storage_key = rules.storage_key(str(uow.ctx.org_id), str(group_id), str(row.id), content_type)
        settings.storage.put(row.storage_key, doc.data)
        try:
            DocumentRepository(uow.session).add(row)
            timeline.document_logged(uow, group_id, (OWNERS[kind], row.entity_id), row.id, row.type,
                                     row.file_name)
            uow.audit("DOCUMENT_UPLOADED", DOCUMENT, row.id, after=document_view(row),
                      parent=(OWNERS[kind], row.entity_id))
            uow.commit()
        finally:
            if not uow.committed:  # nothing half-done: no file without its record
                settings.storage.delete(row.storage_key)
        return document_view(row)


def list_documents(uow: UnitOfWork, kind: str, entity_id: Any) -> list[dict[str, Any]]:
    access.require_reader(uow, "read documents")
    with uow:
        _owner(uow, OWNERS[kind], entity_id, writing=False)
        docs = DocumentRepository(uow.session).of_entity(OWNERS[kind], entity_id)
        if OWNERS[kind] == GROUP and access.member_only(uow):
            docs = [d for d in docs if d.type == DOC_PV]  # members read the published minutes only
        return [document_view(d) for d in docs]


def _readable(uow: UnitOfWork, document_id: Any) -> CoopDocument:
    doc = DocumentRepository(uow.session).get(document_id)
    _owner(uow, doc.entity_type, doc.entity_id, writing=False)
    if doc.entity_type == GROUP and access.member_only(uow) and doc.type != DOC_PV:
        raise Forbidden("Members may read the group's minutes (DOC_PV) only.")
    return doc


def get_document(uow: UnitOfWork, document_id: Any) -> dict[str, Any]:
    access.require_reader(uow, "read documents")
    with uow:
        return document_view(_readable(uow, document_id))


def download(uow: UnitOfWork, settings: DocumentSettings, document_id: Any) -> tuple[dict[str, Any], bytes]:
    access.require_reader(uow, "read documents")
    with uow:
        doc = _readable(uow, document_id)
        data = settings.storage.get(doc.storage_key)
        if data is None:
            raise RuntimeError(f"document {doc.id} is recorded but its file {doc.storage_key} is missing")
        return document_view(doc), data
