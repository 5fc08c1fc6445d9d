"""Tables of the declarations area (see declaration.py for the data model in one paragraph)."""

from portal.declarations.models.campaign import (
    MAX_REMINDERS,
    Campaign,
    CampaignScope,
    CampaignTask,
)
from portal.declarations.models.declaration import (
    ANSWER_FIELDS,
    ENTITY_MAX,
    NAME_MAX,
    NOTE_MAX,
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
    "ANSWER_FIELDS", "ENTITY_MAX", "MAX_REMINDERS", "NAME_MAX", "NOTE_MAX", "REQUIRED_FOR_EVENT", "REQUIRED_ON_SUBMIT",
    "TEXT_MAX", "Campaign", "CampaignScope", "CampaignTask", "Declaration", "DeclarationKind",
    "DeclarationStatus", "DeclarationVersion", "InformationRequest", "InterestEvent", "InterestKind", "MunicipalityRelation",
    "NilStatement", "OrganisationKind", "VersionStatus",
]
