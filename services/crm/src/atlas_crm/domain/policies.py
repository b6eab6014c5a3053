"""Per-organisation CRM settings and what they mean (defaults apply until an admin changes them)."""

from __future__ import annotations

import uuid

# Dedupe at dossier creation: which open dossier counts as the same lead.
PHONE_AND_LISTING, PHONE_ONLY, DEDUPE_OFF = "PHONE_AND_LISTING", "PHONE", "OFF"
DEDUPE_POLICIES = (PHONE_AND_LISTING, PHONE_ONLY, DEDUPE_OFF)
# Overlapping appointments of one assignee: a warning in the answer, or a 409.
WARN, BLOCK = "WARN", "BLOCK"
OVERLAP_POLICIES = (WARN, BLOCK)

# What a property OWNER sees of the dossiers on their listings: nothing, the case without the
# lead's contact details (the agency's commercial data), or everything a reader of the dossier sees.
OWNER_NONE, OWNER_MASKED, OWNER_FULL = "NONE", "MASKED", "FULL"
OWNER_CASE_ACCESS = (OWNER_NONE, OWNER_MASKED, OWNER_FULL)

DEFAULTS = {"whatsappPhoneNumberId": None, "appointmentOverlapPolicy": WARN,
            "dedupePolicy": PHONE_AND_LISTING, "ownerCaseAccess": OWNER_MASKED}


def dedupe_scope(policy: str, phone: str | None,
                 annonce_id: uuid.UUID | None) -> tuple[bool, uuid.UUID | None]:
    """(look for a twin?, listing it must share). Without a phone there is nothing to match on."""
    if policy == DEDUPE_OFF or not phone:
        return False, None
    return True, annonce_id if policy == PHONE_AND_LISTING else None
