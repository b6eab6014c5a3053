"""Tenant scoping as a user of another organisation would notice it: never a row of somebody else."""

import uuid

import pytest
from sqlalchemy import MetaData, String, delete, func, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from atlas_shared.db.repository import Repository, paginate
from atlas_shared.db.tenancy import TenantScoped, TenantScopeMissing
from atlas_shared.db.types import UuidType, new_id
from atlas_shared.errors import NotFound


class Base(DeclarativeBase):
    metadata = MetaData()


class Contact(TenantScoped, Base):
    __tablename__ = "tenancy_contacts"

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(60))


class ContactRepository(Repository[Contact]):
    model = Contact
    label = "Contact"


ORG_A, ORG_B = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def db(make_db):
    db = make_db(Base.metadata)
    with db.session(ORG_A) as s:
        s.add_all([Contact(name="a1"), Contact(name="a2"), Contact(name="a3")])
        s.commit()
    with db.session(ORG_B) as s:
        s.add(Contact(name="b1"))
        s.commit()
    return db


def ids_of(db, org):
    with db.session(org) as s:
        return {c.id: c.name for c in s.scalars(select(Contact))}


def test_each_org_lists_only_its_own_rows_whatever_the_order_of_queries(db):
    # Alternating orgs proves the org is a bound parameter, not baked into a cached statement.
    assert sorted(ids_of(db, ORG_A).values()) == ["a1", "a2", "a3"]
    assert sorted(ids_of(db, ORG_B).values()) == ["b1"]
    assert sorted(ids_of(db, ORG_A).values()) == ["a1", "a2", "a3"]
    assert ids_of(db, uuid.uuid4()) == {}


def test_another_orgs_id_is_not_found(db):
    a_id = next(iter(ids_of(db, ORG_A)))
    with db.session(ORG_B) as s:
        repo = ContactRepository(s)
        assert repo.find(a_id) is None
        with pytest.raises(NotFound) as caught:
            repo.get(a_id)
        assert caught.value.status == 404
        assert repo.find("not-a-uuid") is None
    with db.session(ORG_A) as s:
        assert ContactRepository(s).get(a_id).name in {"a1", "a2", "a3"}


def test_counts_and_pages_only_count_the_orgs_rows(db):
    with db.session(ORG_B) as s:
        page = paginate(s, select(Contact).order_by(Contact.name), 1, 10)
        assert (page.total, [c.name for c in page.items]) == (1, ["b1"])
        assert s.scalar(select(func.count()).select_from(Contact)) == 1
        assert s.scalar(select(func.count()).select_from(select(Contact).subquery())) == 1
    with db.session(ORG_A) as s:
        assert paginate(s, select(Contact), 1, 2).total == 3


def test_bulk_update_and_delete_leave_other_orgs_rows_alone(db):
    with db.session(ORG_B) as s:
        assert s.execute(update(Contact).values(name="hijacked")).rowcount == 1
        assert s.execute(delete(Contact).where(Contact.name == "hijacked")).rowcount == 1
        s.commit()
    assert sorted(ids_of(db, ORG_A).values()) == ["a1", "a2", "a3"]
    assert ids_of(db, ORG_B) == {}


def test_rows_cannot_be_written_for_or_moved_to_another_org(db):
    with db.session(ORG_B) as s:
        s.add(Contact(name="planted", org_id=ORG_A))
        with pytest.raises(TenantScopeMissing):
            s.flush()
    with db.session(ORG_B) as s:
        mine = s.scalars(select(Contact)).one()
        mine.org_id = ORG_A
        with pytest.raises(TenantScopeMissing):
            s.flush()
    assert sorted(ids_of(db, ORG_A).values()) == ["a1", "a2", "a3"]


def test_new_rows_are_stamped_with_the_sessions_org(db):
    with db.session(ORG_B) as s:
        contact = Contact(name="b2")
        s.add(contact)
        s.commit()
        assert contact.org_id == ORG_B


def test_a_session_without_org_refuses_tenant_data(db):
    with db.session() as s:
        with pytest.raises(TenantScopeMissing):
            s.scalars(select(Contact)).all()
        with pytest.raises(TenantScopeMissing):
            s.scalar(select(func.count()).select_from(select(Contact).subquery()))
        with pytest.raises(TenantScopeMissing):
            s.execute(update(Contact).values(name="x"))
    with db.session() as s:
        s.add(Contact(name="orphan"))
        with pytest.raises(TenantScopeMissing):
            s.flush()


def test_core_statements_on_tenant_tables_are_refused_even_with_an_org(db):
    table = Contact.__table__
    with db.session(ORG_A) as s:
        with pytest.raises(TenantScopeMissing):
            s.execute(select(table))
        with pytest.raises(TenantScopeMissing):
            s.execute(select(table.c.name))
        with pytest.raises(TenantScopeMissing):
            s.execute(table.update().values(name="x"))
        with pytest.raises(TenantScopeMissing):
            s.execute(table.delete())
    assert len(ids_of(db, ORG_A)) == 3


def test_the_explicit_bypass_sees_every_org(db):
    with db.session(tenant_bypass=True) as s:
        assert sorted(c.name for c in s.scalars(select(Contact))) == ["a1", "a2", "a3", "b1"]
        assert {c.org_id for c in s.scalars(select(Contact))} == {ORG_A, ORG_B}
