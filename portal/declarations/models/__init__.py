"""Tables of the declarations area (see declaration.py for the data model in one paragraph)."""

from portal.declarations.models.campaign import (
    MAX_REMINDERS,
    SCOPE_LABELS,
    Campaign,
    CampaignScope,
    CampaignTask,
)
from portal.declarations.models.declaration import (
    ANSWER_FIELDS,
    ENTITY_MAX,
    INTEREST_EVENT_LABELS,
    INTEREST_KIND_LABELS,
    KIND_LABELS,
    MUNICIPALITY_RELATION_LABELS,
    NAME_MAX,
    NOTE_MAX,
    ORGANISATION_KIND_LABELS,
    REQUIRED_FOR_EVENT,
    REQUIRED_ON_SUBMIT,
    TEXT_MAX,
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    InformationRequest,
    InterestEvent,
    InterestKind,
    MunicipalityRelation,
    NilStatement,
    OrganisationKind,
)
from portal.declarations.states import DeclarationStatus, VersionStatus

__all__ = [
    "ANSWER_FIELDS", "ENTITY_MAX", "INTEREST_EVENT_LABELS", "INTEREST_KIND_LABELS", "KIND_LABELS", "MAX_REMINDERS",
    "MUNICIPALITY_RELATION_LABELS", "NAME_MAX", "NOTE_MAX", "ORGANISATION_KIND_LABELS", "REQUIRED_FOR_EVENT", "REQUIRED_ON_SUBMIT",
    "SCOPE_LABELS", "TEXT_MAX", "Campaign", "CampaignScope", "CampaignTask", "Declaration", "DeclarationKind",
    "DeclarationStatus", "DeclarationVersion", "InformationRequest", "InterestEvent", "InterestKind", "MunicipalityRelation",
    "NilStatement", "OrganisationKind", "VersionStatus",
]
