"""Default pipelines per case type (domain.md section 4), written to be read.

Each CRM template is a nominal path plus branches, in the notation of the spec: ``A > B > C`` is a
chain, ``A <> B`` goes both ways; codes are written without their ``CRM_`` prefix. Then the rules
every CRM workflow follows: CLOSED_WON / CLOSED_LOST / ARCHIVED are terminal, entering CLOSED_WON
needs a WON_REASON, entering CLOSED_LOST a LOSS_REASON, and any non-terminal state may go to
CLOSED_LOST. The B2B demo pipeline is driven by transition codes and written out in full.

Migration 0004 seeds a frozen JSON copy of ``build_definitions()``; changing a template here means
adding a migration that stores the new version (tests/test_workflow_templates.py says so).
"""

from __future__ import annotations

from atlas_shared.workflow import State, Transition, WorkflowDefinition

PREFIX = "CRM_"
WON, LOST, ARCHIVED = "CRM_CLOSED_WON", "CRM_CLOSED_LOST", "CRM_ARCHIVED"
TERMINAL = frozenset({WON, LOST, ARCHIVED})
REASONS = {WON: "WON_REASON", LOST: "LOSS_REASON"}
MANAGERS = frozenset({"MANAGER", "ADMIN_ORG"})


def hold(*states: str) -> list[str]:
    return [f"{s} <> ON_HOLD" for s in states]


LEAD_BUY = ["NEW > CONTACTED > QUALIFIED > VISIT_PLANNED > VISIT_DONE > OFFER_REQUESTED > OFFER_RECEIVED"
            " > NEGOTIATION > SIGNING_SCHEDULED > CLOSED_WON", "NEGOTIATION <> COUNTER_OFFER",
            "QUALIFIED <> ON_HOLD"]
MANDATE = ["VALUATION_DONE > MANDATE_PENDING > MANDATE_SIGNED > LISTED > ARCHIVED", "LISTED <> PAUSED"]
PROJECT_STAGES = ["IDEA", "FEASIBILITY", "DESIGN", "PERMITS", "CONTRACTING", "BUILDING", "DELIVERY"]
RENOVATION_STAGES = [s for s in PROJECT_STAGES if s != "PERMITS"]

CRM_TEMPLATES: dict[str, list[str]] = {
    "CRM_LEAD_RENT": [
        "NEW > TRIAGED > CONTACTED > QUALIFIED > VISIT_PLANNED > VISIT_DONE > DOCS_REQUESTED > DOCS_RECEIVED"
        " > SCREENING > APPROVED > SIGNING_SCHEDULED > CLOSED_WON",
        "CONTACTED > UNREACHABLE > CONTACTED", "VISIT_PLANNED > NO_SHOW > FOLLOW_UP > VISIT_PLANNED",
        "SCREENING > REJECTED > CLOSED_LOST", "QUALIFIED <> ON_HOLD"],
    "CRM_LEAD_BUY": LEAD_BUY,
    # Leads from WhatsApp and the portal, before anyone knows whether they buy or rent.
    "CRM_LEAD": LEAD_BUY,
    "CRM_OWNER_LEAD": [
        "NEW > CONTACTED > QUALIFIED > VALUATION_DONE > MANDATE_PENDING > MANDATE_SIGNED > LISTED",
        "LISTED <> PAUSED", "LISTED > ARCHIVED", "MANDATE_PENDING > CLOSED_LOST"],
    "CRM_SALE_TRANSACTION": [
        "NEW > MANDATE_SIGNED > LISTED > VISIT_PLANNED > VISIT_DONE > OFFER_RECEIVED > NEGOTIATION"
        " > COMPROMISE_SIGNED > FINANCING > SIGNING_SCHEDULED > CLOSED_WON",
        "NEGOTIATION <> COUNTER_OFFER", "FINANCING <> ON_HOLD", "OFFER_RECEIVED > CLOSED_LOST"],
    "CRM_RENTAL_TRANSACTION": [
        "NEW > QUALIFIED > VISIT_DONE > DOCS_REQUESTED > DOCS_RECEIVED > SCREENING > APPROVED"
        " > SIGNING_SCHEDULED > CLOSED_WON", "SCREENING > REJECTED > CLOSED_LOST"],
    "CRM_MANDATE_SALE": MANDATE,
    "CRM_MANDATE_RENT": MANDATE,
    "CRM_PROPERTY_LISTING": MANDATE,
    "CRM_PROJECT_CONSTRUCTION": [" > ".join([*PROJECT_STAGES, "CLOSED_WON"]), *hold(*PROJECT_STAGES)],
    "CRM_PROJECT_RENOVATION": [" > ".join([*RENOVATION_STAGES, "CLOSED_WON"]), *hold(*RENOVATION_STAGES)],
    "CRM_INVESTOR_CASE": [
        "NEW > CONTACTED > QUALIFIED > OFFER_RECEIVED > NEGOTIATION > SIGNING_SCHEDULED > CLOSED_WON"],
    "CRM_SUPPORT_DISPUTE": ["NEW > TRIAGED > CONTACTED > QUALIFIED > FOLLOW_UP > CLOSED_WON",
                            "FOLLOW_UP > CLOSED_LOST"],
}


def _edges(lines: list[str]) -> list[tuple[str, str]]:
    edges: list[tuple[str, str]] = []
    for line in lines:
        if "<>" in line:
            a, b = (PREFIX + s.strip() for s in line.split("<>"))
            edges += [(a, b), (b, a)]
            continue
        chain = [PREFIX + s.strip() for s in line.split(">")]
        edges += list(zip(chain, chain[1:], strict=False))
    return list(dict.fromkeys(edges))


def crm_definition(case_type: str, lines: list[str], lost_from_any: bool = True) -> WorkflowDefinition:
    edges = _edges(lines)
    codes = list(dict.fromkeys(code for edge in edges for code in edge))
    if lost_from_any:
        codes += [LOST] if LOST not in codes else []
        edges += [(s, LOST) for s in codes if s not in TERMINAL and (s, LOST) not in edges]
    states = tuple(State(c, initial=i == 0, terminal=c in TERMINAL) for i, c in enumerate(codes))
    transitions = tuple(Transition(a, b, reason_type=REASONS.get(b)) for a, b in edges)
    return WorkflowDefinition(case_type, 1, states, transitions)


def b2b_demo_definition() -> WorkflowDefinition:
    """CRM_LEAD_B2B_DEMO: every move has a code; some create or change the demo appointment."""
    new, qualified, scheduled, done = "B2B_NEW", "B2B_QUALIFIED", "B2B_SCHEDULED", "B2B_DONE"
    lose = [Transition(s, "B2B_LOST", "B2B_T_LOSE", reason_type="B2B_LOST_REASON",
                       effects=("CANCEL_APPOINTMENT",)) for s in (new, qualified, scheduled, done)]
    return WorkflowDefinition("CRM_LEAD_B2B_DEMO", 1, states=(
        State(new, initial=True), State(qualified), State(scheduled), State(done),
        State("B2B_WON", terminal=True), State("B2B_LOST", terminal=True)), transitions=(
        Transition(new, qualified, "B2B_T_QUALIFY", required_fields=("qualificationNotes",),
                   effects=("RECORD_QUALIFICATION",)),
        Transition(qualified, scheduled, "B2B_T_SCHEDULE", required_fields=("appointment",),
                   effects=("CREATE_APPOINTMENT",)),
        Transition(scheduled, scheduled, "B2B_T_RESCHEDULE", required_fields=("appointmentId", "startsAt"),
                   effects=("RESCHEDULE_APPOINTMENT",)),
        Transition(scheduled, done, "B2B_T_MARK_DONE", guards=("APPOINTMENT_DONE",)),
        Transition(done, "B2B_WON", "B2B_T_WIN", effects=("RECORD_DEAL",)),
        *lose,
        Transition(qualified, new, "B2B_T_REOPEN", roles=MANAGERS, required_fields=("reason",)),
        Transition(done, scheduled, "B2B_T_REDO_DEMO", roles=MANAGERS,
                   required_fields=("reason", "appointment"), effects=("CREATE_APPOINTMENT",)),
    ))


def build_definitions() -> dict[str, WorkflowDefinition]:
    found = {case_type: crm_definition(case_type, lines) for case_type, lines in CRM_TEMPLATES.items()}
    found["CRM_LEAD_B2B_DEMO"] = b2b_demo_definition()
    return found
