"""Workflow admin schemas. A definition is validated as a whole by the service layer (every problem
under its path), so the body's states and transitions are taken as given here."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_shared.web.schemas import BodySchema, QuerySchema


class WorkflowQuery(QuerySchema):
    caseType = fields.String(metadata={"description": "One case type, with its version history"})


class WorkflowPutQuery(QuerySchema):
    dryRun = fields.Boolean(load_default=False,
                            metadata={"description": "Validate and show the diff, without saving"})


class WorkflowBodySchema(BodySchema):
    states = fields.List(fields.Dict(), required=True,
                         metadata={"description": "[{code, initial?, terminal?}]: exactly one initial"})
    transitions = fields.List(fields.Dict(), required=True, metadata={
        "description": "[{from, to, code?, roles? (or requiredRole), requiredFields?, reasonType?, guards?, "
                       "effects?}]"})
    reopenRoles = fields.List(fields.String(), metadata={"description": "Who may reopen a terminal state "
                                                                        "(default ADMIN_ORG)"})
    comment = fields.String(validate=validate.Length(max=500), allow_none=True)
    caseType = fields.String(metadata={"description": "Ignored: the path names the case type"})
    version = fields.Integer(metadata={"description": "Ignored: the server numbers versions"})


class WorkflowVersionSchema(Schema):
    caseType = fields.String()
    version = fields.Integer()
    origin = fields.String(metadata={"description": "GLOBAL default or the TENANT's own"})
    comment = fields.String(allow_none=True)
    createdBy = fields.String()
    createdAt = fields.String()


class WorkflowSchema(WorkflowVersionSchema):
    definition = fields.Dict()
    versions = fields.List(fields.Nested(WorkflowVersionSchema))


class WorkflowPageSchema(Schema):
    page = fields.Integer()
    size = fields.Integer()
    total = fields.Integer()
    items = fields.List(fields.Nested(WorkflowSchema))


class WorkflowChangeSchema(Schema):
    id = fields.String()
    caseType = fields.String()
    version = fields.Integer()
    previousVersion = fields.Integer(allow_none=True)
    dryRun = fields.Boolean()
    saved = fields.Boolean()
    definition = fields.Dict()
    diff = fields.Dict()
    droppedStates = fields.List(fields.Dict(), metadata={
        "description": "Open dossiers in states this version drops, and where they may still go"})
    comment = fields.String(allow_none=True)
    createdAt = fields.String()
