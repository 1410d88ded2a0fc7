"""The security model: who may read and write which rows.

``OPERATIONS`` are the functions and actions this area adds to the Web API (see
``odata/operations.py``): sharing and ``RetrieveUserPrivileges``; ``WRITE_CHECKS`` run before
every create, update and delete (see ``store/records.py``). ``load_access`` reads a user's
effective privileges into an ``Access``, which the app hangs on every ``Caller``;
``store/query.py`` asks it for the row condition of each read (``Access.restrict``).
``IDENTITY_SOURCES`` are the tables and relationships whose writes change someone's access, so
the app reloads it; ``LINK_CHECKS`` run before every N:N associate and disassociate (Append /
AppendTo, or the privileges linking roles and field security profiles takes).

Decisions where Dataverse's documentation leaves room:

* A retrieve by id of a row that exists but is out of the user's reach answers 403 (0x80040220,
  the ``SecLib::AccessCheckEx`` text), as Dataverse does; a missing row stays 404. In ``$expand``
  such rows are left out; without any Read privilege on a table, the whole query is 403.
* Depth applies to user-owned tables. Organization-owned, business-owned (users, teams, units,
  roles) and child tables (parties, attachments, addresses) are all-or-nothing: any depth of
  the privilege reaches every row.
* Business Unit and Parent: Child depths granted through a team's role are measured from the
  user's own business unit.
* Hierarchy security: the manager model (``systemuser.parentsystemuserid``) or the position
  model (``position.parentpositionid``), covering rows owned by or shared with the reports and
  their teams (a read-only share stays read-only); depth defaults to 3.
* Field security: secured columns read as null and refuse writes (403) unless a field security
  profile allows them; holders of the System Administrator role bypass it. Field sharing
  (``principalobjectattributeaccess``) opens one column of one row to a user or team. Filters
  and sorts see an unreadable secured column as null, so they cannot reveal its values.
* Change tracking: a delta compares what the user may read now with what it could read at the
  token (``history.py`` keeps earlier access and earlier owners and shares): a row that left the
  user's sight (an assign away, a revoked share, a lost role or team) comes back as removed, one
  that came into it as new; rows the user never saw are not reported removed.
"""

from __future__ import annotations

from mock_server.odata.operations import Operation
from mock_server.security.access import Access, load_access
from mock_server.security.checks import check_link, check_write
from mock_server.security.history import remember_access, remember_row
from mock_server.security.sharing import OPERATIONS as SHARING
from mock_server.security.user_privileges import OPERATIONS as USER_PRIVILEGES
from mock_server.store.records import LinkCheck, WriteCheck

OPERATIONS: tuple[Operation, ...] = (*SHARING, *USER_PRIVILEGES)
WRITE_CHECKS: tuple[WriteCheck, ...] = (check_write, remember_row)
LINK_CHECKS: tuple[LinkCheck, ...] = (check_link,)
IDENTITY_SOURCES = frozenset(
    {
        "organization",  # hierarchy security settings
        "position",  # the position hierarchy
        "role",
        "privilege",
        "roleprivileges",
        "systemuserroles_association",
        "teamroles_association",
        "fieldsecurityprofile",
        "fieldpermission",
        "systemuserprofiles_association",
        "teamprofiles_association",
        "principalobjectattributeaccess",  # field sharing
    }
)

__all__ = [
    "IDENTITY_SOURCES",
    "LINK_CHECKS",
    "OPERATIONS",
    "WRITE_CHECKS",
    "Access",
    "load_access",
    "remember_access",
]
