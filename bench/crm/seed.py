"""A year of CRM history for ten agencies, written straight into PostgreSQL with COPY.

Realistic shapes, deterministic (one random seed): agency sizes follow a long tail (28 % of the
dossiers in the biggest, 2 % in the smallest); sources, case types, agents, listings and drop-off
along each case type's nominal workflow path are drawn from fixed distributions; recent dossiers
have had less time to move. Each dossier gets its status history, timeline (status changes, notes,
tasks), messages (the first answer after a log-normal delay) and, when it reached a visit, an
appointment. Search documents are built afterwards by ``atlas-crm search-reindex`` (the product's own
code path for bulk loads).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

NAMESPACE = uuid.UUID("6f1b7c9e-0d4a-4c55-9a38-1e2f3a4b5c6d")
ORG_SHARES = (0.28, 0.18, 0.13, 0.10, 0.08, 0.07, 0.06, 0.05, 0.03, 0.02)
SOURCES = (("LEAD_SOURCE_PORTAL", 45), ("LEAD_SOURCE_WHATSAPP", 30), ("LEAD_SOURCE_PHONE", 10),
           ("LEAD_SOURCE_REFERRAL", 5), ("LEAD_SOURCE_WALK_IN", 5), ("LEAD_SOURCE_SOCIAL", 5))
CASE_TYPES = (("CRM_LEAD", 60), ("CRM_LEAD_BUY", 20), ("CRM_LEAD_RENT", 10), ("CRM_OWNER_LEAD", 10))
FIRST = ("Samir", "Nadia", "Youssef", "Salma", "Karim", "Imane", "Omar", "Hajar", "Mehdi", "Sara", "Anas",
         "Khadija", "Hamza", "Meryem", "Reda", "Zineb", "Adil", "Houda", "Amine", "Fatima Zahra")
LAST = ("Alaoui", "Bennani", "Idrissi", "Tazi", "El Amrani", "Berrada", "Chraibi", "Fassi", "Kettani",
        "Ouazzani", "Benjelloun", "Lahlou", "Sqalli", "Naciri", "Bouzidi", "Filali", "Mansouri", "Amrani")
CITIES = (("Casablanca", "Maarif"), ("Casablanca", "Anfa"), ("Rabat", "Agdal"), ("Marrakech", "Gueliz"),
          ("Tanger", "Malabata"), ("Fès", "Ville Nouvelle"), ("Agadir", "Founty"))
NOTES = ("Cherche un appartement proche du tramway", "Budget confirmé par la banque", "Rappeler après 18h",
         "Préfère être contacté sur WhatsApp", "Intéressé par un riad dans la médina",
         "Visite à organiser samedi",
         "Attend la vente de son bien actuel", "Demande une estimation de son appartement")
MESSAGES = ("Bonjour, le bien est-il toujours disponible ?", "Merci pour votre retour, je suis intéressé.",
            "Pouvez-vous m'envoyer plus de photos ?", "Quel est le prix final ?", "Je confirme la visite.",
            "Bonjour, nous avons bien reçu votre demande.", "Voici les disponibilités pour une visite.")
PATHS = {  # the nominal path of each case type's default workflow (domain.md section 4)
    "CRM_LEAD": ("NEW", "CONTACTED", "QUALIFIED", "VISIT_PLANNED", "VISIT_DONE", "OFFER_REQUESTED",
                 "OFFER_RECEIVED", "NEGOTIATION", "SIGNING_SCHEDULED", "CLOSED_WON"),
    "CRM_LEAD_RENT": ("NEW", "TRIAGED", "CONTACTED", "QUALIFIED", "VISIT_PLANNED", "VISIT_DONE",
                      "DOCS_REQUESTED", "DOCS_RECEIVED", "SCREENING", "APPROVED", "SIGNING_SCHEDULED",
                      "CLOSED_WON"),
    "CRM_OWNER_LEAD": ("NEW", "CONTACTED", "QUALIFIED", "VALUATION_DONE", "MANDATE_PENDING", "MANDATE_SIGNED",
                       "LISTED"),
}
PATHS["CRM_LEAD_BUY"] = PATHS["CRM_LEAD"]
TERMINAL = {"CRM_CLOSED_WON", "CRM_CLOSED_LOST"}
LOSS = ("PRICE_TOO_HIGH", "NOT_INTERESTED", "COMPETITOR", "NO_RESPONSE", "FINANCING_ISSUE")
ACTIVE_STATUSES_FOR_APPOINTMENT = {"CRM_VISIT_PLANNED"}


def org_ids() -> list[str]:
    return [str(uuid.uuid5(NAMESPACE, f"org-{i}")) for i in range(len(ORG_SHARES))]


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


@dataclass
class Rows:
    """Rows per table, in COPY column order."""

    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.tables.setdefault(table, []).append(row)


COLUMNS = {
    "listing_projections": ("id", "org_id", "version", "status", "title", "transaction_type", "price",
                            "currency", "city", "zone", "slug", "published_at", "updated_at"),
    "dossiers": ("id", "org_id", "case_type", "status", "source", "contact_name", "phone", "phone_raw",
                 "email", "annonce_id", "assigned_to", "loss_reason", "won_reason", "payload",
                 "workflow_version", "version", "last_activity_at", "closed_at", "created_by", "created_at",
                 "updated_at"),
    "dossier_status_history": ("id", "org_id", "dossier_id", "case_type", "from_status", "to_status",
                               "transition_code", "override", "actor", "loss_reason", "won_reason",
                               "workflow_version", "dossier_version", "occurred_at", "from_entered_at"),
    "activities": ("id", "org_id", "dossier_id", "type", "content", "due_at", "done", "done_at", "assignee",
                   "actor", "details", "created_at", "updated_at"),
    "messages": ("id", "org_id", "dossier_id", "direction", "channel", "content", "occurred_at",
                 "delivery_status", "delivery_version", "variables", "created_by", "created_at",
                 "updated_at"),
    "appointments": ("id", "org_id", "dossier_id", "type", "status", "starts_at", "ends_at", "assigned_to",
                     "annonce_id", "created_by", "created_at", "updated_at"),
}


class Agency:
    def __init__(self, rng: random.Random, org: str, dossiers: int, now: datetime) -> None:
        self.rng, self.org, self.count, self.now = rng, org, dossiers, now
        self.agents = [f"agent-{org[:8]}-{i}" for i in range(max(3, dossiers // 1500))]
        self.listings = [uuid.uuid5(NAMESPACE, f"{org}-listing-{i}") for i in range(max(20, dossiers // 20))]

    def rows(self, rows: Rows) -> None:
        for i, listing in enumerate(self.listings):
            city, zone = CITIES[i % len(CITIES)]
            published = self.now - timedelta(days=self.rng.uniform(1, 400))
            rows.add("listing_projections", (
                listing, self.org, 3, "ANN_PUBLISHED", f"Appartement {2 + i % 4} pièces à {zone}, {city}",
                "TX_SALE" if i % 3 else "TX_RENT", 600_000 + 5_000 * (i % 300), "MAD", city, zone,
                f"appartement-{i}", published, published))
        for n in range(self.count):
            Dossier(self, n).rows(rows)


class Dossier:
    def __init__(self, agency: Agency, n: int) -> None:
        rng = agency.rng
        self.a, self.rng = agency, rng
        self.id = uuid.uuid5(NAMESPACE, f"{agency.org}-dossier-{n}")
        self.created = agency.now - timedelta(days=365 * rng.random() ** 1.15, minutes=rng.uniform(0, 600))
        self.case_type = pick(rng, CASE_TYPES)
        self.source = pick(rng, SOURCES)
        self.agent = rng.choice(agency.agents) if rng.random() < 0.8 else None
        popular = int(len(agency.listings) * rng.random() ** 3)
        self.listing = agency.listings[popular] if self.source == "LEAD_SOURCE_PORTAL" else None
        self.phone = f"+2126{rng.randrange(10_000_000, 99_999_999)}"
        self.name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"

    def moves(self) -> list[tuple[str, datetime]]:
        """The statuses entered, from creation: along the nominal path with drop-offs, maybe lost."""
        rng, at, path = self.rng, self.created, PATHS[self.case_type]
        entered = [("CRM_NEW", at)]
        for status in path[1:]:
            at = at + timedelta(hours=rng.expovariate(1 / 30))
            if at > self.a.now or rng.random() < 0.28:
                break
            entered.append((f"CRM_{status}", at))
        at = at + timedelta(hours=rng.expovariate(1 / 72))
        if entered[-1][0] not in TERMINAL and at < self.a.now and rng.random() < 0.45:
            entered.append(("CRM_CLOSED_LOST", at))
        return entered

    def rows(self, rows: Rows) -> None:
        rng, org, who = self.rng, self.a.org, self.agent or "system"
        moves = self.moves()
        final, last_at = moves[-1]
        loss = rng.choice(LOSS) if final == "CRM_CLOSED_LOST" else None
        won = "SIGNED" if final == "CRM_CLOSED_WON" else None
        activity_at = last_at
        for version, ((status, at), before) in enumerate(zip(moves, [None, *moves][:-1], strict=True), 1):
            closing = version == len(moves)
            previous, entered = before if before else (None, None)
            rows.add("dossier_status_history", (
                uuid.uuid4(), org, self.id, self.case_type, previous, status,
                "CREATE" if version == 1 else None, False, who, loss if closing else None,
                won if closing else None, 1, version, at, entered))
            if previous is not None:
                rows.add("activities", (uuid.uuid4(), org, self.id, "ACT_STATUS_CHANGE",
                                        f"{previous} → {status}", None, False, None, None, who,
                                        Jsonb({"from": previous, "to": status}), at, at))
        activity_at = max(activity_at, self._conversation(rows, moves), self._notes(rows))
        if any(s in ACTIVE_STATUSES_FOR_APPOINTMENT for s, _ in moves):
            self._appointment(rows, next(at for s, at in moves if s == "CRM_VISIT_PLANNED"))
        closed = last_at if final in TERMINAL else None
        rows.add("dossiers", (
            self.id, org, self.case_type, final, self.source, self.name, self.phone, self.phone,
            f"{self.name.split()[0].lower()}.{n_of(self.id)}@example.ma" if rng.random() < 0.5 else None,
            self.listing, self.agent, loss, won, Jsonb({}), 1, len(moves), min(activity_at, self.a.now),
            closed, "bench-seed", self.created, last_at))

    def _conversation(self, rows: Rows, moves: list[tuple[str, datetime]]) -> datetime:
        rng, org, at = self.rng, self.a.org, self.created
        channel = "WHATSAPP" if self.source == "LEAD_SOURCE_WHATSAPP" else \
            rng.choice(("WHATSAPP", "PHONE", "EMAIL"))
        messages: list[tuple[str, datetime]] = []
        if self.source in ("LEAD_SOURCE_WHATSAPP", "LEAD_SOURCE_PORTAL"):
            messages.append(("INBOUND", at))
        if rng.random() < 0.85 or len(moves) > 1:
            at = at + timedelta(minutes=rng.lognormvariate(4.5, 1.2))
            messages.append(("OUTBOUND", at))
        for _ in range(int(rng.expovariate(1 / 2.5))):
            at = at + timedelta(hours=rng.expovariate(1 / 20))
            messages.append((rng.choice(("INBOUND", "OUTBOUND")), at))
        latest = self.created
        for direction, when in messages:
            if when > self.a.now:
                break
            status = "RECEIVED" if direction == "INBOUND" else rng.choice(("DELIVERED", "READ", "SENT"))
            rows.add("messages", (uuid.uuid4(), org, self.id, direction, channel, rng.choice(MESSAGES), when,
                                  status, 2, Jsonb({}), self.agent or "bench-seed", when, when))
            latest = when
        return latest

    def _notes(self, rows: Rows) -> datetime:
        rng, org, latest = self.rng, self.a.org, self.created
        for _ in range(int(rng.expovariate(1 / 1.2))):
            at = min(self.created + timedelta(hours=rng.uniform(1, 200)), self.a.now)
            rows.add("activities", (uuid.uuid4(), org, self.id, "ACT_NOTE", rng.choice(NOTES), None, False,
                                    None, None, self.agent or "bench-seed", Jsonb({}), at, at))
            latest = max(latest, at)
        if rng.random() < 0.3:
            due = self.created + timedelta(days=rng.uniform(1, 10))
            done = due < self.a.now and rng.random() < 0.7
            rows.add("activities", (uuid.uuid4(), org, self.id, "ACT_TASK", "Relancer le contact", due, done,
                                    due if done else None, self.agent, self.agent or "bench-seed", Jsonb({}),
                                    self.created, self.created))
        return latest

    def _appointment(self, rows: Rows, planned: datetime) -> None:
        rng = self.rng
        starts = planned + timedelta(days=rng.uniform(1, 6))
        status = "APPOINT_SCHEDULED" if starts > self.a.now else pick(rng, (
            ("APPOINT_DONE", 70), ("APPOINT_NO_SHOW", 15), ("APPOINT_CANCELLED", 10),
            ("APPOINT_SCHEDULED", 5)))
        rows.add("appointments", (uuid.uuid4(), self.a.org, self.id, "APPOINT_VISIT", status, starts,
                                  starts + timedelta(hours=1), self.agent, self.listing,
                                  self.agent or "bench-seed", planned, planned))


def n_of(value: uuid.UUID) -> int:
    return value.int % 10_000


def generate(total: int, seed: int = 42) -> Iterator[tuple[str, Rows]]:
    """(org id, its rows), agency by agency (memory stays bounded to one agency)."""
    rng, now = random.Random(seed), datetime.now(UTC)
    for org, share in zip(org_ids(), ORG_SHARES, strict=True):
        rows = Rows()
        Agency(rng, org, int(total * share), now).rows(rows)
        yield org, rows


def copy(connection: Any, rows: Rows) -> dict[str, int]:
    """COPY every table's rows through a psycopg connection (one transaction, the caller commits)."""
    written = {}
    with connection.cursor() as cur:
        for table, columns in COLUMNS.items():
            found = rows.tables.get(table, [])
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
                for row in found:
                    out.write_row(row)
            written[table] = len(found)
    return written
