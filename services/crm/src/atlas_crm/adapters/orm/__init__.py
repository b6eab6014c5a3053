"""Tables owned by the crm service (its own database). Importing this package registers them all."""

from atlas_crm.adapters.orm.base import Base, metadata
from atlas_crm.adapters.orm.dossiers import Dossier, DossierAlias, LeadIntake, OrgSettings, StatusHistory
from atlas_crm.adapters.orm.insights import ListingProjection, SearchDocument, WhatsAppDelivery
from atlas_crm.adapters.orm.reference import ReferenceEntry, WorkflowDefinitionRow
from atlas_crm.adapters.orm.satellites import (
                                               Activity,
                                               Appointment,
                                               Consent,
                                               ConsentHistory,
                                               Message,
                                               Stakeholder,
)

__all__ = ["Activity", "Appointment", "Base", "Consent", "ConsentHistory", "Dossier", "DossierAlias",
           "LeadIntake", "Message", "OrgSettings", "ReferenceEntry", "Stakeholder", "StatusHistory",
           "WorkflowDefinitionRow", "metadata", "ListingProjection", "SearchDocument", "WhatsAppDelivery"]

# Search documents follow every write of the rows they index (mapper events, same transaction).
from atlas_crm.adapters import search_sync  # noqa: E402,F401,I001
# So do each dossier's milestones (first answered, furthest stage, lost, visit booked).
from atlas_crm.adapters import milestones  # noqa: E402,F401,I001

