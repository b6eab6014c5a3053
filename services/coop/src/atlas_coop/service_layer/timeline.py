"""The group's timeline (activities), written in the same transaction as what it records."""

from __future__ import annotations

import uuid
from typing import Any

from atlas_coop.adapters.orm import Activity
from atlas_coop.domain.codes import ACT_DOCUMENT_LOG, ACT_STATUS_CHANGE
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import json_safe


def record(uow: UnitOfWork, group_id: uuid.UUID, entity: tuple[str, uuid.UUID], kind: str, content: str,
           data: dict[str, Any] | None = None) -> Activity:
    activity = Activity(group_id=group_id, entity_type=entity[0], entity_id=entity[1], type=kind,
                        content=content, data=json_safe(data or {}), actor=uow.ctx.user_id)
    uow.session.add(activity)
    return activity


def status_changed(uow: UnitOfWork, group_id: uuid.UUID, entity: tuple[str, uuid.UUID], label: str,
                   before: str, after: str, payload: dict[str, Any]) -> Activity:
    text = f"{label} : {before} → {after}"
    if payload.get("comment") or payload.get("reason"):
        text += f" ({payload.get('comment') or payload.get('reason')})"
    if payload.get("documentId"):
        text += f" — décision documentée par le PV {payload['documentId']}"
    data = {"from": before, "to": after, **{k: v for k, v in payload.items() if v is not None}}
    return record(uow, group_id, entity, ACT_STATUS_CHANGE, text, data)


def document_logged(uow: UnitOfWork, group_id: uuid.UUID, entity: tuple[str, uuid.UUID],
                    document_id: uuid.UUID, doc_type: str, file_name: str) -> Activity:
    return record(uow, group_id, entity, ACT_DOCUMENT_LOG, f"Document {doc_type} ajouté : {file_name}",
                  {"documentId": document_id, "documentType": doc_type, "fileName": file_name})
