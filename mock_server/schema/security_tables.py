"""Security tables: roles, privileges, role privileges and record shares.

Kept apart from ``definitions.py`` (the data entities) so each area owns its own definitions;
``registry.py`` joins them into the one schema. Names and object type codes are Dataverse's;
``roleprivileges`` is an intersect in Dataverse, here a table of its own because it carries the
depth mask as a column. Field security: profiles of field permissions, held by users and teams,
and field sharing (``principalobjectattributeaccess``: one secured column of one row shared with
a user or team, for reading and / or updating).
"""

from __future__ import annotations

from mock_server.schema.builders import (
    T,
    boolean,
    entity,
    entityname,
    integer,
    lookup,
    memo,
    picklist,
    simple_lookup,
    string,
    to,
)
from mock_server.schema.model import Attribute, Entity, ManyToMany, Ownership
from mock_server.schema.model import RequiredLevel as R

BUSINESS, ORG, NONE = Ownership.BUSINESS, Ownership.ORGANIZATION, Ownership.NONE
FIELD_PERMISSION = {0: "Not Allowed", 4: "Allowed"}  # field_security_permission_type
ALLOWED = 4

# Depth masks of ``roleprivileges.privilegedepthmask``: User (Basic), Business Unit (Local),
# Parent: Child Business Units (Deep), Organization (Global).
BASIC, LOCAL, DEEP, GLOBAL = 1, 2, 4, 8


def _guid(name: str, display: str) -> Attribute:
    return Attribute(name, T.UNIQUEIDENTIFIER, display, R.SYSTEM_REQUIRED)


ENTITIES: tuple[Entity, ...] = (
    entity(
        "role",
        "roles",
        "Security Role",
        "Security Roles",
        1036,
        BUSINESS,
        string("name", "Name", 100, required=R.SYSTEM_REQUIRED),
        simple_lookup(
            "businessunitid",
            "Business Unit",
            "businessunit",
            "business_unit_roles",
            required=R.SYSTEM_REQUIRED,
        ),
    ),
    entity(
        "privilege",
        "privileges",
        "Privilege",
        "Privileges",
        1023,
        NONE,
        string("name", "Name", 100, required=R.SYSTEM_REQUIRED),
        integer("accessright", "Access Right", 0, 2147483647),
    ),
    entity(
        "roleprivileges",
        "roleprivilegescollection",
        "Role Privilege",
        "Role Privileges",
        31,
        NONE,
        integer("privilegedepthmask", "Privilege Depth Mask", 0, 15),
        simple_lookup(
            "roleid", "Role", "role", "roleprivileges_role", cascade_delete=True, required=R.SYSTEM_REQUIRED
        ),
        simple_lookup(
            "privilegeid",
            "Privilege",
            "privilege",
            "roleprivileges_privilege",
            cascade_delete=True,
            required=R.SYSTEM_REQUIRED,
        ),
        primary_id="roleprivilegeid",
    ),
    entity(
        "principalobjectaccess",
        "principalobjectaccessset",
        "Principal Object Access",
        "Principal Object Accesses",
        11,
        NONE,
        integer("accessrightsmask", "Access Rights", 0, 2147483647),
        _guid("objectid", "Object"),
        entityname("objecttypecode", "Object Type"),
        _guid("principalid", "Principal"),
        entityname("principaltypecode", "Principal Type"),
    ),
    entity(
        "fieldsecurityprofile",
        "fieldsecurityprofiles",
        "Field Security Profile",
        "Field Security Profiles",
        1200,
        ORG,
        string("name", "Name", 256, required=R.SYSTEM_REQUIRED),
        memo("description", "Description"),
    ),
    entity(
        "fieldpermission",
        "fieldpermissions",
        "Field Permission",
        "Field Permissions",
        1201,
        NONE,
        string("attributelogicalname", "Attribute Logical Name", 50, required=R.SYSTEM_REQUIRED),
        string("entityname", "Entity Name", 64, required=R.SYSTEM_REQUIRED),
        picklist("canread", "Can Read", FIELD_PERMISSION),
        picklist("cancreate", "Can Create", FIELD_PERMISSION),
        picklist("canupdate", "Can Update", FIELD_PERMISSION),
        simple_lookup(
            "fieldsecurityprofileid",
            "Field Security Profile",
            "fieldsecurityprofile",
            "lk_fieldpermission_fieldsecurityprofileid",
            cascade_delete=True,
            required=R.SYSTEM_REQUIRED,
        ),
    ),
)

# Tables with secured columns, whose rows' columns can be shared (``objectid`` targets).
FIELD_SHARING_TARGETS = ("account", "contact")

ENTITIES += (
    entity(
        "principalobjectattributeaccess",
        "principalobjectattributeaccessset",
        "Field Sharing",
        "Field Sharing",
        44,
        ORG,
        _guid("attributeid", "Attribute"),
        lookup(
            "objectid",
            "Entity",
            *(to(t, f"{t}_principalobjectattributeaccess", f"objectid_{t}") for t in FIELD_SHARING_TARGETS),
            cascade_delete=True,
            required=R.SYSTEM_REQUIRED,
        ),
        lookup(
            "principalid",
            "Principal",
            to("systemuser", "systemuser_principalobjectattributeaccess", "principalid_systemuser"),
            to("team", "team_principalobjectattributeaccess", "principalid_team"),
            cascade_delete=True,
            required=R.SYSTEM_REQUIRED,
        ),
        boolean("readaccess", "Read Access"),
        boolean("updateaccess", "Update Access"),
    ),
)

MANY_TO_MANY: tuple[ManyToMany, ...] = (
    ManyToMany(
        "systemuserroles_association",
        "systemuser",
        "role",
        "systemuserroles",
        "systemuserroles_association",
        "systemuserroles_association",
    ),
    ManyToMany(
        "teamroles_association",
        "team",
        "role",
        "teamroles",
        "teamroles_association",
        "teamroles_association",
    ),
    ManyToMany(
        "systemuserprofiles_association",
        "systemuser",
        "fieldsecurityprofile",
        "systemuserprofiles",
        "systemuserprofiles_association",
        "systemuserprofiles_association",
    ),
    ManyToMany(
        "teamprofiles_association",
        "team",
        "fieldsecurityprofile",
        "teamprofiles",
        "teamprofiles_association",
        "teamprofiles_association",
    ),
)
