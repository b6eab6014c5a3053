"""CRM persistence. Tenant scoping comes from the session (atlas_shared.db.tenancy)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy import inspect as sa_inspect

from atlas_crm.adapters.milestones import MILESTONES
from atlas_crm.adapters.orm import (
    Activity,
    Appointment,
    Consent,
    ConsentHistory,
    Dossier,
    DossierAlias,
    LeadIntake,
    ListingProjection,
    Message,
    Stakeholder,
    StatusHistory,
)
from atlas_crm.domain.dossier import B2B_DEMO
from atlas_shared.db.repository import Page, Repository, apply_sort, as_uuid

# What a dossier's view shows: every column but the milestones (adapters/milestones.py).
DOSSIER_ROWS = select(*(getattr(Dossier, column.key) for column in sa_inspect(Dossier).column_attrs
                        if column.key not in MILESTONES))
DOSSIER_SORT = {"createdAt": Dossier.created_at, "updatedAt": Dossier.updated_at,
                "lastActivityAt": Dossier.last_activity_at, "status": Dossier.status, "score": Dossier.score,
                "contactName": Dossier.contact_name}


class DossierRepository(Repository[Dossier]):
    model = Dossier
    label = "Dossier"
    not_found_code = "CASE_NOT_FOUND"
    # An agency's whole pipeline can hold tens of thousands of dossiers: counting them all cost more
    # than the page itself (5.8 ms for 28,000); beyond a thousand the list says « about ».
    exact_total_up_to = 1000

    def find(self, entity_id: Any, *, for_update: bool = False) -> Dossier | None:
        """By id, or by an alias (a portal caseId merged into this dossier)."""
        found = super().find(entity_id, for_update=for_update)
        key = as_uuid(entity_id)
        if found is None and key is not None:
            alias = self.session.get(DossierAlias, key)
            found = super().find(alias.dossier_id, for_update=for_update) if alias else None
        return found

    def search(self, filters: dict[str, Any], page: int, size: int, sort: str | None,
               assigned_to: str | None = None, owner: str | None = None) -> Page[Row[Any]]:
        """Rows with the dossier's columns as attributes: a list only reads them, and loading
        entities (identity map, change tracking, expiry at the end) cost more than the query."""
        stmt: Select[Any] = DOSSIER_ROWS
        if owner is not None:
            stmt = stmt.where(Dossier.annonce_id.in_(self._listings_of(owner)))
        equal = {"status": Dossier.status, "caseType": Dossier.case_type, "source": Dossier.source,
                 "assignedTo": Dossier.assigned_to, "annonceId": Dossier.annonce_id, "phone": Dossier.phone}
        for key, column in equal.items():
            if filters.get(key) is not None:
                stmt = stmt.where(column == filters[key])
        if filters.get("createdFrom") is not None:
            stmt = stmt.where(Dossier.created_at >= filters["createdFrom"])
        if filters.get("createdTo") is not None:
            stmt = stmt.where(Dossier.created_at <= filters["createdTo"])
        if filters.get("q"):
            like = f"%{filters['q'].strip()}%"
            stmt = stmt.where(or_(*(column.ilike(like) for column in self.text_columns())))
        if assigned_to is not None:
            stmt = stmt.where(Dossier.assigned_to == assigned_to)
        stmt = apply_sort(stmt, sort, DOSSIER_SORT, "-createdAt", tiebreak=Dossier.id)
        return self.page(stmt, page, size)

    def on_listing_of(self, dossier: Dossier, owner: str) -> bool:
        """Is the dossier about one of ``owner``'s listings (as the CRM knows them from listing events)?"""
        if dossier.annonce_id is None:
            return False
        return self.session.scalar(select(ListingProjection.id).where(
            ListingProjection.id == dossier.annonce_id, ListingProjection.owner_user_id == owner)) is not None

    @staticmethod
    def _listings_of(owner: str) -> Select[Any]:
        return select(ListingProjection.id).where(ListingProjection.owner_user_id == owner)

    def text_columns(self) -> list[Any]:
        """What the free-text filter ``q`` looks in."""
        return [Dossier.contact_name, Dossier.phone, Dossier.phone_raw, Dossier.email]

    def in_status(self, case_type: str, status: str, sample: int) -> tuple[int, list[uuid.UUID]]:
        """How many dossiers of ``case_type`` are in ``status``, and the ids of the oldest ``sample``."""
        where = (Dossier.case_type == case_type, Dossier.status == status)
        count = self.session.scalar(select(func.count()).select_from(Dossier).where(*where)) or 0
        ids = list(self.session.scalars(select(Dossier.id).where(*where).order_by(Dossier.created_at)
                                        .limit(sample))) if count else []
        return count, ids

    def open_for_phone(self, phone: str, annonce_id: uuid.UUID | None, *, b2b_demo: bool) -> Dossier | None:
        """The oldest open dossier whose contact or one of whose stakeholders has this phone, in the
        same world: B2B demo requests match B2B demo requests only, property leads everything else."""
        demo = Dossier.case_type == B2B_DEMO
        open_ones = self.select().where(Dossier.closed_at.is_(None), demo if b2b_demo else ~demo)
        if annonce_id is not None:
            open_ones = open_ones.where(Dossier.annonce_id == annonce_id)
        via_stakeholder = open_ones.join(Stakeholder, Stakeholder.dossier_id == Dossier.id).where(
            Stakeholder.phone == phone)
        # Two indexed lookups, sorted here: an OR, or an ORDER BY created_at, makes planners scan the org.
        found = [d for stmt in (open_ones.where(Dossier.phone == phone), via_stakeholder)
                 for d in self.session.scalars(stmt)]
        return min(found, key=lambda d: (d.created_at, str(d.id)), default=None)

    def history(self, dossier_id: uuid.UUID) -> list[StatusHistory]:
        return list(self.session.scalars(select(StatusHistory).where(StatusHistory.dossier_id == dossier_id)
                                         .order_by(StatusHistory.occurred_at, StatusHistory.dossier_version)))

    def entered_current_status(self, dossier: Dossier) -> datetime | None:
        """When the dossier entered the status it is in: its latest move so far (creation included)."""
        return self.session.scalar(select(func.max(StatusHistory.occurred_at)).where(
            StatusHistory.dossier_id == dossier.id, StatusHistory.dossier_version <= dossier.version))

    def intake(self, key: str) -> LeadIntake | None:
        return self.session.scalars(select(LeadIntake).where(LeadIntake.intake_key == key)).first()


class SatelliteRepository(Repository[Any]):
    """Rows that hang off a dossier: listed per dossier, newest first unless said otherwise."""

    order: tuple[Any, ...] = ()

    def for_dossier(self, dossier_id: uuid.UUID, page: int, size: int, **equal: Any) -> Page[Any]:
        stmt = self.select().where(self.model.dossier_id == dossier_id)
        for name, value in equal.items():
            if value is not None:
                stmt = stmt.where(getattr(self.model, name) == value)
        return self.page(stmt.order_by(*self.order), page, size)


class StakeholderRepository(SatelliteRepository):
    model, label = Stakeholder, "Stakeholder"
    order = (Stakeholder.created_at, Stakeholder.id)


class MessageRepository(SatelliteRepository):
    model, label = Message, "Message"
    order = (Message.occurred_at.desc(), Message.id)

    def select(self) -> Select[Any]:
        return select(Message).where(Message.deleted_at.is_(None))

    def find(self, entity_id: Any, *, for_update: bool = False) -> Message | None:
        found = super().find(entity_id, for_update=for_update)
        return found if found is not None and found.deleted_at is None else None


class AppointmentRepository(SatelliteRepository):
    model, label = Appointment, "Appointment"
    order = (Appointment.starts_at, Appointment.id)

    def overlapping(self, assigned_to: str, starts_at: datetime, ends_at: datetime,
                    exclude: uuid.UUID | None, ignored_statuses: tuple[str, ...]) -> list[Appointment]:
        stmt = self.select().where(Appointment.assigned_to == assigned_to, Appointment.starts_at < ends_at,
                                   Appointment.ends_at > starts_at,
                                   Appointment.status.not_in(ignored_statuses))
        if exclude is not None:
            stmt = stmt.where(Appointment.id != exclude)
        return list(self.session.scalars(stmt.order_by(Appointment.starts_at)))

    def latest_for_dossier(self, dossier_id: uuid.UUID, statuses: tuple[str, ...]) -> Appointment | None:
        stmt = self.select().where(Appointment.dossier_id == dossier_id, Appointment.status.in_(statuses))
        return self.session.scalars(stmt.order_by(Appointment.starts_at.desc()).limit(1)).first()

    def with_status(self, dossier_id: uuid.UUID, status: str) -> list[Appointment]:
        stmt = self.select().where(Appointment.dossier_id == dossier_id, Appointment.status == status)
        return list(self.session.scalars(stmt))


class ActivityRepository(SatelliteRepository):
    model, label = Activity, "Activity"
    order = (Activity.created_at.desc(), Activity.id)

    def for_dossier_types(self, dossier_id: uuid.UUID, types: tuple[str, ...]) -> list[Activity]:
        stmt = self.select().where(Activity.dossier_id == dossier_id, Activity.type.in_(types))
        return list(self.session.scalars(stmt.order_by(Activity.created_at, Activity.id)))


class ConsentRepository(SatelliteRepository):
    model, label = Consent, "Consent"
    order = (Consent.channel, Consent.type)

    def current(self, dossier_id: uuid.UUID, channel: str, consent_type: str, *,
                for_update: bool = False) -> Consent | None:
        stmt = self.select().where(Consent.dossier_id == dossier_id, Consent.channel == channel,
                                   Consent.type == consent_type)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.scalars(stmt).first()

    def history(self, consent_id: uuid.UUID) -> list[ConsentHistory]:
        return list(self.session.scalars(select(ConsentHistory).where(ConsentHistory.consent_id == consent_id)
                                         .order_by(ConsentHistory.version)))
