"""Contribution plans of a group: every change is a new version adopted by a PV."""

from __future__ import annotations

from flask.views import MethodView

from atlas_coop.entrypoints.http.common import PREFIX, uow
from atlas_coop.entrypoints.http.plans.schemas import PlanCreateSchema, PlanSchema
from atlas_coop.service_layer import plans
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("coop-plans", __name__, url_prefix=f"{PREFIX}/groups/<uuid:group_id>/contribution-plans",
                description="Versioned contribution plans (never edited: a change is a new version)")


@blp.route("")
class Plans(MethodView):
    @blp.response(200, PlanSchema(many=True))
    def get(self, group_id):  # type: ignore[no-untyped-def]
        """Every version, newest first, each with its formula explained in French."""
        return plans.list_plans(uow(read_only=True), group_id)

    @blp.arguments(PlanCreateSchema)
    @blp.response(201, PlanSchema)
    def post(self, data, group_id):  # type: ignore[no-untyped-def]
        """Adopt a new version (with its PV). Once funding has opened it applies to instalments not yet
        due (effectiveFrom after today); confirmed and past instalments never change. Members are told."""
        return plans.create_plan(uow(), group_id, data)
