"""ValidateMobileOfflineProfile reports errors and warnings; PublishMobileOfflineProfile refuses a
profile with errors and publishes one without."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.offline.profiles import (
    new_association,
    new_item,
    new_profile,
    publish,
    refused,
    validate,
)

OTHER = {"recorddistributioncriteria": 2, "recordsownedbyme": True}


def _codes(findings: list[dict[str, object]]) -> list[object]:
    return [f["ErrorCode"] for f in findings]


def test_entity_without_rule_is_a_warning(client: TestClient) -> None:
    """MO-RULE-001: no rule and no org data filter downloads nothing, and validation says so."""
    profile = new_profile(client)
    item = new_item(client, profile, "lead")
    report = validate(client, profile)
    assert report["IsValid"] is True and report["Errors"] == []
    (warning,) = report["Warnings"]
    assert warning == {
        "Severity": "Warning",
        "ErrorCode": "0x80071132",
        "Name": "EntityFilterContainerMustNotBeNullFormatString",
        "Message": "The entity 'lead' has no data download filter rule; only the rows its org data "
        "filter selects (modified in the last 10 days) are downloaded.",
        "ProfileItemId": item,
        "EntityName": "lead",
    }
    client.patch(f"{API}/mobileofflineprofileitems({item})", json={"dayssincerecordlastmodified": None})
    warnings = validate(client, profile)["Warnings"]
    assert _codes(warnings) == ["0x80071132", "0x800711F6"]
    assert warnings[0]["Message"] == (
        "The entity 'lead' has no data download filter rule and no org data filter, so no data is "
        "downloaded for it. Define at least one rule."
    )


def test_entity_without_org_data_filter_is_a_warning(client: TestClient) -> None:
    """MO-ORG-002."""
    profile = new_profile(client)
    item = new_item(client, profile, "lead", **OTHER)
    assert validate(client, profile)["Warnings"] == []
    client.patch(f"{API}/mobileofflineprofileitems({item})", json={"dayssincerecordlastmodified": None})
    (warning,) = validate(client, profile)["Warnings"]
    assert warning["ErrorCode"] == "0x800711F6"
    assert warning["Message"] == (
        "The entity 'lead' has no org data filter rule; define one (by default, records modified in "
        "the last 10 days) if the entity is used across profiles."
    )
    client.patch(f"{API}/mobileofflineprofileitems({item})", json={"dayssincerecordlastmodified": 30})
    assert validate(client, profile)["Warnings"] == []


def test_business_unit_filter_on_transactional_data_is_a_warning(client: TestClient) -> None:
    """MO-RULE-004: business unit on a non-master-data entity warns; on master data it does not."""
    profile = new_profile(client)
    new_item(client, profile, "lead", recorddistributioncriteria=2, recordsownedbymybusinessunit=True)
    new_item(client, profile, "team", recorddistributioncriteria=2, recordsownedbymybusinessunit=True)
    (warning,) = validate(client, profile)["Warnings"]
    assert warning["ErrorCode"] == "0x800711F7" and warning["EntityName"] == "lead"
    assert warning["Message"] == (
        "The entity 'lead' downloads my business unit's records; a business unit filter is "
        "recommended only for small master data sets, such as country codes."
    )


def test_validation_reports_errors_a_later_delete_caused(client: TestClient) -> None:
    """A related-only item whose association was deleted, and a relationship to an entity that is not
    in the profile, are errors of the whole profile."""
    profile = new_profile(client)
    account = new_item(client, profile, "account", **OTHER)
    association = new_association(client, account, "contact_customer_accounts")
    new_item(client, profile, "contact", recorddistributioncriteria=0)
    opportunity = new_item(client, profile, "opportunity", **OTHER)
    new_association(client, opportunity, "product_opportunities")
    client.delete(f"{API}/mobileofflineprofileitemassociations({association})")
    report = validate(client, profile)
    assert report["IsValid"] is False
    assert _codes(report["Errors"]) == ["0x80071140", "0x8006098E"]
    assert report["Errors"][1]["Message"] == (
        "The related entity opportunityproduct of the mobile offline profile item association "
        "product_opportunities of the mobile offline profile item opportunity doesn't exist in the profile "
        "items of profile Test Profile."
    )
    response = publish(client, profile)
    assert refused(response, "0x80071140") == report["Errors"][0]["Message"]
    row = client.get(f"{API}/mobileofflineprofiles({profile})").json()
    assert row["publishedon"] is None and row["componentstate"] == 1 and row["isvalidated"] is False


def test_empty_profile_cannot_be_published(client: TestClient) -> None:
    response = publish(client, new_profile(client, "Empty"))
    assert refused(response, "0x80071131") == (
        "The profile 'Empty' could not be published because it does not contain any tables. Please add at "
        "least one table."
    )


def test_publish_marks_the_profile_and_its_items(client: TestClient) -> None:
    profile = new_profile(client)
    account = new_item(client, profile, "account", **OTHER)
    new_association(client, account, "contact_customer_accounts")
    new_item(client, profile, "contact", recorddistributioncriteria=0)
    response = publish(client, profile)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["IsValid"] is True and body["PublishedOn"] == "2026-01-01T00:00:00Z"
    row = client.get(f"{API}/mobileofflineprofiles({profile})").json()
    assert (row["componentstate"], row["isvalidated"], row["publishedon"]) == (
        0,
        True,
        "2026-01-01T00:00:00Z",
    )
    items = client.get(
        f"{API}/mobileofflineprofileitems?$filter=_regardingobjectid_value eq {profile}"
    ).json()
    assert {i["componentstate"] for i in items["value"]} == {0}


def test_publish_is_a_post_on_a_profile(client: TestClient) -> None:
    profile = new_profile(client)
    get = client.get(
        f"{API}/mobileofflineprofiles({profile})/Microsoft.Dynamics.CRM.PublishMobileOfflineProfile"
    )
    assert get.status_code == 404
    missing = "00000000-0000-0000-0000-000000000009"
    assert publish(client, missing).status_code == 404


def test_editing_a_published_profile_makes_it_a_draft(client: TestClient) -> None:
    profile = new_profile(client)
    account = new_item(client, profile, "account", **OTHER)
    association = new_association(client, account, "contact_customer_accounts")
    new_item(client, profile, "contact", recorddistributioncriteria=0)
    assert publish(client, profile).status_code == 200

    def states() -> tuple[int, int]:
        item = client.get(f"{API}/mobileofflineprofileitems({account})").json()
        row = client.get(f"{API}/mobileofflineprofiles({profile})").json()
        return row["componentstate"], item["componentstate"]

    assert states() == (0, 0)
    client.patch(f"{API}/mobileofflineprofileitems({account})", json={"syncintervalinminutes": 30})
    assert states() == (1, 1)
    assert publish(client, profile).status_code == 200
    assert states() == (0, 0)
    client.delete(f"{API}/mobileofflineprofileitemassociations({association})")
    assert states() == (1, 0)
