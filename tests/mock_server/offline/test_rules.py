"""Every profile rule (REQUIREMENTS 12-14) refused on save with its exact code and message."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.offline.profiles import (
    new_association,
    new_item,
    new_profile,
    post_association,
    post_item,
    refused,
)

OTHER = {"recorddistributioncriteria": 2, "recordsownedbyme": True}
# Eleven distinct many-to-one relationships of task (none of them one-to-many).
TASK_LOOKUPS = (
    "Account_Tasks",
    "Contact_Tasks",
    "Opportunity_Tasks",
    "Incident_Tasks",
    "Competitor_Tasks",
    "new_inspection_Tasks",
    "lk_task_createdby",
    "lk_task_modifiedby",
    "user_tasks",
    "team_tasks",
    "business_unit_tasks",
)


def _fetch(entity: str, conditions: int) -> str:
    body = "".join(
        f'<condition attribute="createdon" operator="last-x-days" value="{n + 1}" />'
        for n in range(conditions)
    )
    return f'<fetch><entity name="{entity}"><filter type="and">{body}</filter></entity></fetch>'


def test_relationship_limit_defaults_to_ten(client: TestClient) -> None:
    """MO-PROF-001: the 11th relationship of a profile entity is rejected."""
    item = new_item(client, new_profile(client), "task", **OTHER)
    for name in TASK_LOOKUPS[:10]:
        new_association(client, item, name)
    message = refused(post_association(client, item, TASK_LOOKUPS[10]), "0x800711F0")
    assert message == (
        "The profile item 'task' for the entity 'task' would have 11 relationships; a mobile offline "
        "profile entity may define at most 10."
    )


def test_relationship_limit_is_the_organization_setting(client: TestClient) -> None:
    """MO-PROF-001 decision: the limit is a server setting; the configured value applies."""
    (organization,) = client.get(f"{API}/organizations").json()["value"]
    assert organization["mobileofflinemaxrelationships"] == 10
    url = f"{API}/organizations({organization['organizationid']})"
    assert client.patch(url, json={"mobileofflinemaxrelationships": 3}).status_code == 204
    item = new_item(client, new_profile(client), "task", **OTHER)
    for name in TASK_LOOKUPS[:3]:
        new_association(client, item, name)
    assert "at most 3." in refused(post_association(client, item, TASK_LOOKUPS[3]), "0x800711F0")
    assert client.patch(url, json={"mobileofflinemaxrelationships": 15}).status_code == 204
    for name in TASK_LOOKUPS[3:]:
        new_association(client, item, name)  # eleven, within the raised limit


def test_second_one_to_many_relationship_is_rejected(client: TestClient) -> None:
    """MO-PROF-002."""
    item = new_item(client, new_profile(client), "account", **OTHER)
    new_association(client, item, "contact_customer_accounts")
    new_association(client, item, "account_primary_contact")  # many-to-one: allowed
    message = refused(post_association(client, item, "opportunity_customer_accounts"), "0x80071139")
    assert message == (
        "The profile 'Test Profile' could not be published because it exceeds the allowed numbers of "
        "relationships to the table: 'account'. Please review and make sure to have no more than 1 many to "
        "many (M:M) or one to many (1:M) relationship allowed."
    )


def test_many_to_many_counts_as_the_one_to_many(client: TestClient) -> None:
    """MO-PROF-002: M:M and 1:M share the single allowance."""
    item = new_item(client, new_profile(client), "contact", **OTHER)
    new_association(client, item, "contactleads_association")
    refused(post_association(client, item, "incident_customer_contacts"), "0x80071139")


def test_circular_reference_is_rejected(client: TestClient) -> None:
    """MO-PROF-003: account > contact > account."""
    profile = new_profile(client)
    account = new_item(client, profile, "account", **OTHER)
    contact = new_item(client, profile, "contact", **OTHER)
    new_association(client, account, "contact_customer_accounts")
    message = refused(post_association(client, contact, "account_primary_contact"), "0x800711F1")
    assert message == (
        "The relationship 'account_primary_contact' makes a circular reference between profile entities "
        "(contact > account > contact); circular references are not supported in a mobile offline profile."
    )


def test_longer_cycle_is_rejected(client: TestClient) -> None:
    """MO-PROF-003: opportunity > account > contact > opportunity."""
    profile = new_profile(client)
    opportunity = new_item(client, profile, "opportunity", **OTHER)
    account = new_item(client, profile, "account", **OTHER)
    contact = new_item(client, profile, "contact", **OTHER)
    new_association(client, opportunity, "opportunity_parent_account")
    new_association(client, account, "contact_customer_accounts")
    message = refused(post_association(client, contact, "opportunity_parent_contact"), "0x800711F1")
    assert "(contact > opportunity > account > contact)" in message


def test_self_reference_is_rejected(client: TestClient) -> None:
    """MO-PROF-004."""
    item = new_item(client, new_profile(client), "account", **OTHER)
    message = refused(post_association(client, item, "account_parent_account"), "0x800711F2")
    assert message == (
        "The relationship 'account_parent_account' relates the entity 'account' to itself; "
        "self-referencing relationships are not supported in a mobile offline profile."
    )


def test_unknown_relationship_is_rejected(client: TestClient) -> None:
    item = new_item(client, new_profile(client), "account", **OTHER)
    message = refused(post_association(client, item, "Lead_Tasks"), "0x80060998")
    assert message == "The Profile Item Association entity doesn't have any defined relationships."


def test_all_records_cannot_be_combined(client: TestClient) -> None:
    """MO-RULE-002."""
    response = post_item(
        client, new_profile(client), "account", recorddistributioncriteria=1, recordsownedbyme=True
    )
    assert refused(response, "0x800711F3") == (
        "The profile item 'account' uses 'All records', which cannot be combined with any other rule; "
        "clear recordsownedbyme."
    )


def test_related_only_cannot_be_combined(client: TestClient) -> None:
    """MO-RULE-003."""
    profile = new_profile(client)
    account = new_item(client, profile, "account", **OTHER)
    new_association(client, account, "contact_customer_accounts")
    response = post_item(
        client, profile, "contact", recorddistributioncriteria=0, profileitementityfilter=_fetch("contact", 1)
    )
    assert refused(response, "0x800711F3").endswith("clear profileitementityfilter.")


def test_related_only_needs_an_association(client: TestClient) -> None:
    """MO-RULE-003: 0x80071140."""
    profile = new_profile(client)
    response = post_item(client, profile, "contact", recorddistributioncriteria=0)
    assert refused(response, "0x80071140") == (
        "The profile 'Test Profile' could not be published because it is configured to download related "
        "records only for table: 'contact', but no relationships are specified. Please review the filter "
        "selection of \"download related records only\" for table 'contact' and select at least one "
        "relationship or change the filter type for the table 'contact'."
    )
    account = new_item(client, profile, "account", **OTHER)
    new_association(client, account, "contact_customer_accounts")
    new_item(client, profile, "contact", recorddistributioncriteria=0)


def test_other_data_filter_needs_a_flag(client: TestClient) -> None:
    """MO-RULE-004: 0x80071138."""
    response = post_item(client, new_profile(client), "lead", recorddistributioncriteria=2)
    assert refused(response, "0x80071138") == (
        "The profile 'Test Profile' could not be published because the table 'lead' has Data Download "
        "Filter 'Other data filter' however no data filter option was selected. Please add at least one "
        "data filter option for table: 'lead'."
    )


def test_flags_must_fit_the_ownership(client: TestClient) -> None:
    profile = new_profile(client)
    mine = post_item(client, profile, "team", recorddistributioncriteria=2, recordsownedbyme=True)
    assert refused(mine, "0x80071136") == (
        "The profile 'Test Profile' could not be published because the table 'team' has OwnedByMe set to "
        "true. This property is not a valid property for table: 'team'."
    )
    team = post_item(client, profile, "systemuser", recorddistributioncriteria=2, recordsownedbymyteam=True)
    assert refused(team, "0x80071137") == (
        "The profile 'Test Profile' could not be published because the table 'systemuser' has OwnedByMyTeam "
        "set to true. This property is not a valid property for table: 'systemuser'."
    )
    product = post_item(
        client, profile, "product", recorddistributioncriteria=2, recordsownedbymybusinessunit=True
    )
    assert refused(product, "0x800711F4") == (
        "The data download filter 'Other data filter' is not available for the entity 'product' "
        "(OrganizationOwned); choose one of: Download related data only, All records, Custom data filter."
    )


def test_custom_filter_allows_three_filters(client: TestClient) -> None:
    """MO-RULE-005: a 4th filter is rejected with 0x80071114."""
    profile = new_profile(client)
    new_item(client, profile, "lead", recorddistributioncriteria=3, profileitementityfilter=_fetch("lead", 3))
    response = post_item(
        client, profile, "task", recorddistributioncriteria=3, profileitementityfilter=_fetch("task", 4)
    )
    assert (
        refused(response, "0x80071114") == "You can only define 3 Mobile offline Org  filter for each entity."
    )


def test_custom_filter_needs_valid_fetchxml(client: TestClient) -> None:
    profile = new_profile(client)
    missing = post_item(client, profile, "lead", recorddistributioncriteria=3)
    assert refused(missing, "0x80071118") == "The FetchXML is missing."
    broken = post_item(
        client, profile, "lead", recorddistributioncriteria=3, profileitementityfilter="<fetch>"
    )
    assert refused(broken, "0x80071113") == "XML Format mismatch. Check for the correctness of XML."
    unknown = _fetch("lead", 1).replace("createdon", "nosuchcolumn")
    wrong = post_item(client, profile, "lead", recorddistributioncriteria=3, profileitementityfilter=unknown)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] != "0x80071113"


def test_org_data_filter_of_zero_days_is_rejected(client: TestClient) -> None:
    response = post_item(client, new_profile(client), "lead", dayssincerecordlastmodified=0, **OTHER)
    assert refused(response, "0x80060990") == (
        "No records will be available in the mobile offline mode if the value for number of days is 0."
    )


def test_entity_must_be_available_offline(client: TestClient) -> None:
    response = post_item(client, new_profile(client), "savedquery", recorddistributioncriteria=1)
    assert refused(response, "0x8005F215") == (
        "You can't view this type of record on your tablet. Contact your system administrator."
    )


def test_an_entity_and_a_name_appear_once_per_profile(client: TestClient) -> None:
    profile = new_profile(client)
    new_item(client, profile, "lead", **OTHER)
    again = refused(post_item(client, profile, "lead", name="Leads again", **OTHER), "0x8005F21E")
    assert again == "The related entity already exists in this profile."
    assert refused(post_item(client, profile, "task", name="lead", **OTHER), "0x800609A8") == (
        "A mobile offline profile item with this name already exists for this mobile offline profile. "
        "Enter a unique name."
    )
    new_item(client, new_profile(client, "Another"), "lead", **OTHER)  # other profiles are separate


def test_profile_names_are_required_and_unique(client: TestClient) -> None:
    new_profile(client, "Unique")
    duplicate = refused(client.post(f"{API}/mobileofflineprofiles", json={"name": "unique"}), "0x800609A7")
    assert duplicate == "A mobile offline profile with this name already exists. Enter a unique name."
    blank = refused(client.post(f"{API}/mobileofflineprofiles", json={"name": " "}), "0x800609A9")
    assert blank == "The mobile offline profile name can't be null or empty. Enter a name for this profile."


def test_sync_interval_is_five_to_1440_minutes(client: TestClient) -> None:
    profile = new_profile(client)
    assert post_item(client, profile, "lead", syncintervalinminutes=4, **OTHER).status_code == 400
    assert post_item(client, profile, "task", syncintervalinminutes=1441, **OTHER).status_code == 400
    new_item(client, profile, "phonecall", syncintervalinminutes=5, **OTHER)


def test_update_is_checked_too(client: TestClient) -> None:
    item = new_item(client, new_profile(client), "lead", **OTHER)
    response = client.patch(f"{API}/mobileofflineprofileitems({item})", json={"recordsownedbyme": False})
    refused(response, "0x80071138")


def test_new_item_gets_the_default_org_data_filter(client: TestClient) -> None:
    """MO-ORG-001: the default is modified in the last 10 days."""
    item = new_item(client, new_profile(client), "lead", **OTHER)
    row = client.get(f"{API}/mobileofflineprofileitems({item})").json()
    assert row["dayssincerecordlastmodified"] == 10
    assert row["_regardingobjectid_value"] is not None


def test_association_gets_the_relationship_id(client: TestClient) -> None:
    item = new_item(client, new_profile(client), "account", **OTHER)
    association = new_association(client, item, "contact_customer_accounts")
    row = client.get(f"{API}/mobileofflineprofileitemassociations({association})").json()
    definition = client.get(f"{API}/RelationshipDefinitions(SchemaName='contact_customer_accounts')").json()
    assert row["relationshipname"] == "contact_customer_accounts"
    assert row["relationshipid"] == definition["MetadataId"]


def test_custom_filters_hold_at_most_six_conditions(client: TestClient) -> None:
    """Platform cap 0x80071116: three filters, but seven conditions inside them."""
    nested = (
        '<filter type="or">'
        + "".join(f'<condition attribute="subject" operator="eq" value="s{n}" />' for n in range(3))
        + "</filter>"
    )
    six = f'<fetch><entity name="task"><filter type="and">{nested}{nested}</filter></entity></fetch>'
    seven = six.replace(
        "</filter></entity>",
        '<condition attribute="prioritycode" operator="eq" value="1" /></filter></entity>',
    )
    profile = new_profile(client)
    new_item(client, profile, "task", recorddistributioncriteria=3, profileitementityfilter=six)
    response = post_item(
        client,
        profile,
        "phonecall",
        recorddistributioncriteria=3,
        profileitementityfilter=seven.replace("task", "phonecall"),
    )
    assert refused(response, "0x80071116") == (
        "You can only define 6 Mobile offline entity filter conditions for each entity."
    )


def _nested(levels: int) -> str:
    """A custom filter of one condition, inside ``levels`` nested filters."""
    inner = '<condition attribute="subject" operator="eq" value="x" />'
    for _ in range(levels):
        inner = f'<filter type="and">{inner}</filter>'
    return f'<fetch><entity name="task">{inner}</entity></fetch>'


def test_custom_filters_nest_up_to_three_levels(client: TestClient) -> None:
    """Reference 12.4 / 12.5: filters nest up to three levels; a fourth is rejected."""
    profile = new_profile(client)
    new_item(client, profile, "task", recorddistributioncriteria=3, profileitementityfilter=_nested(3))
    response = post_item(
        client,
        profile,
        "phonecall",
        recorddistributioncriteria=3,
        profileitementityfilter=_nested(4).replace("task", "phonecall"),
    )
    assert refused(response, "0x800711F5") == (
        "The custom data filter of the profile item 'phonecall' nests filters 4 levels deep; filters can "
        "be nested up to 3 levels."
    )
