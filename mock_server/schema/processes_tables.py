"""Process tables: business process flow definitions, stages and instance tables, business rules,
and the close activities ``CloseIncident``, ``WinOpportunity`` and ``LoseOpportunity`` write.

Kept apart from ``definitions.py`` (the data entities) so each area owns its own definitions;
``registry.py`` joins them into the one schema.

* ``workflow`` holds every process definition: business process flows (``category`` 4) and
  business rules (``category`` 2, the rule's JSON definition in ``clientdata``, see
  ``logic/rules.py``). A flow's ``uniquename`` is the logical name of its instance table.
* ``processstage`` holds a flow's stages, ordered by ``stageorder``; ``clientdata`` carries the
  branch definition of a stage that branches (see ``logic/processes.py``).
* ``new_inspectionprocess`` and ``leadtoopportunitysalesprocess`` are the instance tables of the
  two seeded flows (single-entity on ``new_inspection``, multi-entity lead → opportunity).
"""

from __future__ import annotations

from mock_server.schema.builders import (
    datetime_,
    entityname,
    integer,
    lookup,
    memo,
    money,
    picklist,
    simple_lookup,
    state_status,
    string,
    to,
)
from mock_server.schema.builders import entity as _entity
from mock_server.schema.definitions import _activity
from mock_server.schema.model import Entity, ManyToMany, Ownership
from mock_server.schema.model import RequiredLevel as R

ORG = Ownership.ORGANIZATION

WORKFLOW_CATEGORIES = {
    0: "Workflow",
    1: "Dialog",
    2: "Business Rule",
    3: "Action",
    4: "Business Process Flow",
    5: "Modern Flow",
}
STAGE_CATEGORIES = {
    0: "Qualify",
    1: "Develop",
    2: "Propose",
    3: "Close",
    4: "Identify",
    5: "Research",
    6: "Resolve",
    7: "Approval",
}
# Instance tables: statecode 0 Active / 1 Inactive; statuscode 1 Active, 2 Finished, 3 Aborted.
INSTANCE_STATES = state_status(
    [(0, "Active", 1), (1, "Inactive", 2)],
    [(1, "Active", 0), (2, "Finished", 1), (3, "Aborted", 1)],
)


def _instance_table(logical: str, entity_set: str, display: str, otc: int, *entities: str) -> Entity:
    """A business process flow's instance table, with a ``bpf_<table>id`` lookup per table."""
    return _entity(
        logical,
        entity_set,
        display,
        f"{display}es",
        otc,
        ORG,
        string("name", "Name", 200, required=R.SYSTEM_REQUIRED),
        *(
            lookup(
                f"bpf_{e}id",
                e.capitalize(),
                to(e, f"bpf_{e}_{logical}", f"bpf_{e}id"),
                cascade_delete=True,
            )
            for e in entities
        ),
        simple_lookup("processid", "Process", "workflow", f"lk_workflow_{logical}_processid"),
        simple_lookup(
            "activestageid", "Active Stage", "processstage", f"lk_processstage_{logical}_activestageid"
        ),
        datetime_("activestagestartedon", "Active Stage Started On"),
        datetime_("completedon", "Completed On"),
        string("traversedpath", "Traversed Path", 1250),
        *INSTANCE_STATES,
        primary_id="businessprocessflowinstanceid",
        is_custom=logical.startswith("new_"),
    )


ENTITIES: tuple[Entity, ...] = (
    _entity(
        "workflow",
        "workflows",
        "Process",
        "Processes",
        4703,
        ORG,
        string("name", "Process Name", 100, required=R.SYSTEM_REQUIRED),
        picklist("category", "Category", WORKFLOW_CATEGORIES),
        entityname("primaryentity", "Primary Entity"),
        string("uniquename", "Unique Name", 256),
        picklist("type", "Type", {1: "Definition", 2: "Activation", 3: "Template"}),
        picklist("businessprocesstype", "Business Process Type", {0: "Business Flow", 1: "Task Flow"}),
        integer("processorder", "Process Order", 0, 2147483647),
        memo("clientdata", "Client Data", 1073741823),
        memo("xaml", "xaml", 1073741823),
        memo("description", "Description"),
        *state_status(
            [(0, "Draft", 1), (1, "Activated", 2)],
            [(1, "Draft", 0), (2, "Activated", 1)],
        ),
    ),
    _entity(
        "processstage",
        "processstages",
        "Process Stage",
        "Process Stages",
        4724,
        ORG,
        string("stagename", "Stage Name", 100, required=R.SYSTEM_REQUIRED),
        simple_lookup("processid", "Process", "workflow", "process_processstage", cascade_delete=True),
        entityname("primaryentitytypecode", "Primary Entity"),
        picklist("stagecategory", "Stage Category", STAGE_CATEGORIES),
        integer("stageorder", "Stage Order", 0, 1000),
        memo("clientdata", "Client Data", 1073741823),
    ),
    _instance_table(
        "new_inspectionprocess", "new_inspectionprocesses", "Inspection Process", 10002, "new_inspection"
    ),
    _instance_table(
        "leadtoopportunitysalesprocess",
        "leadtoopportunitysalesprocesses",
        "Lead To Opportunity Sales Process",
        952,
        "lead",
        "opportunity",
    ),
    _activity(
        "incidentresolution",
        "incidentresolutions",
        "Case Resolution",
        "Case Resolutions",
        4206,
        state_status(
            [(0, "Open", 1), (1, "Completed", 2), (2, "Canceled", 3)],
            [(1, "Open", 0), (2, "Closed", 1), (3, "Canceled", 2)],
        ),
        simple_lookup("incidentid", "Case", "incident", "incident_incidentresolution", cascade_delete=True),
        integer("timespent", "Time Spent", 0, 2147483647),
    ),
    _activity(
        "opportunityclose",
        "opportunitycloses",
        "Opportunity Close",
        "Opportunity Closes",
        4208,
        state_status(
            [(0, "Open", 1), (1, "Completed", 2), (2, "Canceled", 3)],
            [(1, "Open", 0), (2, "Completed", 1), (3, "Canceled", 2)],
        ),
        simple_lookup(
            "opportunityid", "Opportunity", "opportunity", "opportunity_opportunityclose", cascade_delete=True
        ),
        money("actualrevenue", "Actual Revenue"),
    ),
)
MANY_TO_MANY: tuple[ManyToMany, ...] = ()
