"""What each role may see and do: the one place in the code (docs/roles.md shows it as a table).

Roles are held per organisation (a person working for two organisations has two
memberships). The platform operator is not an organisation role: it manages
organisations and users and can read no case content.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CASEWORKER = "caseworker"
    DATA_OFFICER = "data_officer"
    VIEWER = "viewer"


class Permission(StrEnum):
    # case content, with identifiers
    CASE_VIEW_OWN = "case.view_own"  # cases the user created or is assigned to
    CASE_VIEW_ALL = "case.view_all"  # every case of the organisation
    CASE_EDIT = "case.edit"  # create and edit the cases the user can view
    CASE_ASSIGN = "case.assign"
    IDENTIFIERS_VIEW = "identifiers.view"  # names, ID numbers, contact details, narratives
    CONSENT_RECORD = "consent.record"
    REFERRAL_MAKE = "referral.make"
    # de-identified data
    DEID_VIEW = "deid.view"  # record-level data without identifiers
    QUALITY_VIEW = "quality.view"
    RELEASE_CREATE = "release.create"
    RELEASE_APPROVE = "release.approve"
    AGGREGATES_VIEW = "aggregates.view"  # dashboards and reports, small cells suppressed
    AGGREGATES_UNSUPPRESSED = "aggregates.unsuppressed"
    # administration of the organisation
    USERS_MANAGE = "users.manage"
    AUDIT_VIEW = "audit.view"
    RETENTION_MANAGE = "retention.manage"
    KEYS_ROTATE = "keys.rotate"
    LINKAGE_MANAGE = "linkage.manage"
    IMPORT_DATA = "data.import"
    EXPORT_IDENTIFIED = "data.export_identified"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SUPERVISOR: frozenset(
        {
            P.CASE_VIEW_OWN, P.CASE_VIEW_ALL, P.CASE_EDIT, P.CASE_ASSIGN, P.IDENTIFIERS_VIEW,
            P.CONSENT_RECORD, P.REFERRAL_MAKE, P.DEID_VIEW, P.QUALITY_VIEW,
            P.AGGREGATES_VIEW, P.AGGREGATES_UNSUPPRESSED, P.IMPORT_DATA,
        }
    ),
    Role.CASEWORKER: frozenset(
        {
            P.CASE_VIEW_OWN, P.CASE_EDIT, P.IDENTIFIERS_VIEW, P.CONSENT_RECORD,
            P.REFERRAL_MAKE, P.AGGREGATES_VIEW, P.AGGREGATES_UNSUPPRESSED,
        }
    ),
    Role.DATA_OFFICER: frozenset(
        {
            P.DEID_VIEW, P.QUALITY_VIEW, P.RELEASE_CREATE, P.AGGREGATES_VIEW,
            P.AGGREGATES_UNSUPPRESSED, P.IMPORT_DATA,
        }
    ),
    Role.VIEWER: frozenset({P.AGGREGATES_VIEW}),
}

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.ADMIN: "Everything in the organisation: cases, users, audit, retention, keys, releases.",
    Role.SUPERVISOR: "All cases of the organisation, with identifiers; assigns cases.",
    Role.CASEWORKER: "The cases they created or are assigned to, with identifiers.",
    Role.DATA_OFFICER: "De-identified data, quality and releases; never names.",
    Role.VIEWER: "Aggregates only (dashboards, reports), small cells suppressed.",
}

# The platform operator runs the installation: organisations and users, no case content.
OPERATOR_PERMISSIONS = frozenset({"org.manage", "users.manage_all"})


def role_has(role: str | Role, permission: Permission) -> bool:
    """True when members with this role hold the permission."""
    return permission in ROLE_PERMISSIONS[Role(role)]
