"""Unit of work: all or nothing — the change, its outbox event and its audit event commit together."""

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import MetaData, String, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from atlas_shared.context import RequestContext
from atlas_shared.db.platform import AuditEvent, AuditImmutable, OutboxMessage
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import UuidType, new_id
from atlas_shared.db.uow import UnitOfWork, diff


class Base(DeclarativeBase):
    metadata = MetaData()


class Dossier(TenantScoped, Base):
    __tablename__ = "uow_dossiers"

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(60), unique=True)


ORG = str(uuid.uuid4())
SERVICE = "crm"


@pytest.fixture
def db(make_db):
    return make_db(Base.metadata)


def ctx(org=ORG, user="agent-7", correlation_id="corr-42"):
    return RequestContext(org_id=org, user_id=user, roles=frozenset({"AGENT"}),
                          correlation_id=correlation_id)


def rows(db, model):
    with db.session(tenant_bypass=True) as s:
        return s.scalars(select(model)).all()


def test_nothing_is_kept_unless_the_use_case_commits(db):
    with UnitOfWork(db, ctx(), SERVICE) as uow:
        uow.session.add(Dossier(name="forgotten"))
        uow.publish("dossier.created", {"name": "forgotten"}, aggregate_type="dossier", aggregate_id=1)
    with pytest.raises(RuntimeError), UnitOfWork(db, ctx(), SERVICE) as uow:
        uow.session.add(Dossier(name="failed"))
        uow.session.flush()
        raise RuntimeError("use case failed half way")
    assert rows(db, Dossier) == [] and rows(db, OutboxMessage) == []


def test_commit_keeps_the_change_and_its_event_and_runs_after_commit_hooks(db):
    ran = []
    with UnitOfWork(db, ctx(), SERVICE) as uow:
        dossier = Dossier(name="kept")
        uow.session.add(dossier)
        uow.session.flush()
        uow.on_commit(lambda: ran.append("after"))
        event = uow.publish("dossier.created", {"id": dossier.id, "budget": Decimal("1250000.50")},
                            aggregate_type="dossier", aggregate_id=dossier.id)
        assert ran == []
        uow.commit()
    assert ran == ["after"]
    [outbox] = rows(db, OutboxMessage)
    assert (outbox.exchange, outbox.event_type, outbox.aggregate_type) == ("atlas.crm", "dossier.created",
                                                                          "dossier")
    assert outbox.aggregate_id == str(dossier.id) and outbox.published_at is None
    assert outbox.envelope == event.to_dict()
    assert outbox.envelope["org_id"] == ORG
    assert outbox.envelope["actor"] == "agent-7"
    assert outbox.envelope["correlation_id"] == "corr-42"
    assert outbox.envelope["payload"] == {"id": str(dossier.id), "budget": "1250000.50"}  # no float money


def test_event_and_change_are_rolled_back_together_when_the_commit_fails(db):
    with UnitOfWork(db, ctx(), SERVICE) as uow:
        uow.session.add(Dossier(name="taken"))
        uow.commit()
    with pytest.raises(DBAPIError), UnitOfWork(db, ctx(), SERVICE) as uow:
        uow.publish("dossier.created", {"name": "taken"}, aggregate_type="dossier", aggregate_id=2)
        uow.session.add(Dossier(name="taken"))
        uow.commit()
    assert [d.name for d in rows(db, Dossier)] == ["taken"]
    assert rows(db, OutboxMessage) == []


def test_audit_records_only_what_changed_and_ships_it_through_the_outbox(db):
    entity = uuid.uuid4()
    with UnitOfWork(db, ctx(), SERVICE) as uow:
        row = uow.audit("UPDATE", "DOSSIER", entity,
                        before={"status": "NEW", "city": "Rabat", "budget": Decimal("10")},
                        after={"status": "QUALIFIED", "city": "Rabat", "budget": Decimal("10")},
                        parent=("ANNONCE", "a-1"), extra={"reason": "called back"})
        uow.commit()
    [audit] = rows(db, AuditEvent)
    assert audit.id == row.id
    assert audit.diff == {"before": {"status": "NEW"}, "after": {"status": "QUALIFIED"},
                          "context": {"reason": "called back"}}
    assert (audit.org_id, audit.actor, audit.action, audit.entity_type, audit.entity_id) == (
        uuid.UUID(ORG), "agent-7", "UPDATE", "DOSSIER", str(entity))
    assert (audit.parent_type, audit.parent_id, audit.correlation_id) == ("ANNONCE", "a-1", "corr-42")
    [outbox] = rows(db, OutboxMessage)
    assert outbox.event_type == "audit.recorded" and outbox.envelope["org_id"] == ORG
    payload = outbox.envelope["payload"]
    assert payload["id"] == str(audit.id) and payload["entityId"] == str(entity)
    assert payload["diff"] == audit.diff and payload["correlationId"] == "corr-42"


def test_diff_of_a_create_has_no_before_and_of_a_delete_no_after():
    assert diff(None, {"a": 1}) == {"before": {}, "after": {"a": 1}}
    assert diff({"a": 1}, None) == {"before": {"a": 1}, "after": {}}
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 2}) == {"before": {}, "after": {}}


def test_an_uncommitted_audit_leaves_no_trace(db):
    with UnitOfWork(db, ctx(), SERVICE) as uow:
        uow.audit("DELETE", "DOSSIER", uuid.uuid4(), before={"status": "NEW"})
    assert rows(db, AuditEvent) == [] and rows(db, OutboxMessage) == []


@pytest.fixture
def audited(db):
    with UnitOfWork(db, ctx(), SERVICE) as uow:
        uow.audit("CREATE", "DOSSIER", uuid.uuid4(), after={"status": "NEW"})
        uow.commit()
    [row] = rows(db, AuditEvent)
    return row


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(db, audited):
    with UnitOfWork(db, ctx(), SERVICE) as uow:
        row = uow.session.get(AuditEvent, audited.id)
        row.action = "NOTHING_HAPPENED"
        with pytest.raises(AuditImmutable):
            uow.session.flush()
    with UnitOfWork(db, ctx(), SERVICE) as uow:
        uow.session.delete(uow.session.get(AuditEvent, audited.id))
        with pytest.raises(AuditImmutable):
            uow.session.flush()
    assert [r.action for r in rows(db, AuditEvent)] == ["CREATE"]


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET action = 'NOTHING_HAPPENED'",
                                       "DELETE FROM audit_events"])
def test_the_database_itself_refuses_to_change_audit_events(db, audited, statement):
    with pytest.raises(DBAPIError) as caught, db.engine.begin() as conn:
        conn.execute(text(statement))
    assert "immutable" in str(caught.value)
    assert [r.action for r in rows(db, AuditEvent)] == ["CREATE"]
