"""Tables owned by the coop service (its own database). Every row belongs to one organisation."""

from atlas_coop.adapters.orm.base import Base, metadata
from atlas_coop.adapters.orm.groups import (
                                            Activity,
                                            CoopDocument,
                                            CoopGroup,
                                            Member,
                                            Notification,
                                            WorkflowVersion,
)
from atlas_coop.adapters.orm.ledger import Contribution, ContributionPlan
from atlas_coop.adapters.orm.projects import Allocation, Lot, Project

__all__ = ["Activity", "Allocation", "Base", "Contribution", "ContributionPlan", "CoopDocument", "CoopGroup",
           "Lot", "Member", "Notification", "Project", "WorkflowVersion", "metadata"]
