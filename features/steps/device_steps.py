"""Steps about the user and the device: signing in, syncing, going offline and online."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.dataverse import Dataverse
from harness.device import Device
from harness.protocol.messages import GoOffline, GoOnline, Sync, SyncResult

SYSTEM_ADMINISTRATOR = "System Administrator"


@given(parsers.parse('a signed-in user whose offline profile is "{profile}"'))
def signed_in_user(device: Device, organization: Dataverse, profile: str) -> None:
    """The first enabled user with the profile, also given the System Administrator role so the
    server accepts every write the offline table allows (security has its own scenarios)."""
    user = organization.offline_user(profile, role=SYSTEM_ADMINISTRATOR)
    device.memory["business_unit"] = user["_businessunitid_value"]
    device.sign_in(str(user["systemuserid"]))


@given("the device has synced")
def device_has_synced(device: Device) -> None:
    result = device.run(Sync())
    assert result.errors == (), f"the first sync reported errors: {result.errors}"


@given("the device is offline")
def device_is_offline(device: Device) -> None:
    device.run(GoOffline())


@when("the device syncs")
@when("the user asks the device to sync")
def device_syncs(device: Device) -> None:
    device.memory["sync"] = device.run(Sync())


@when("the device goes online and syncs")
def device_goes_online_and_syncs(device: Device) -> None:
    device.run(GoOnline())
    device_syncs(device)


def last_sync(device: Device) -> SyncResult:
    result = device.memory.get("sync")
    assert isinstance(result, SyncResult), "the scenario has not synced since going online"
    return result


@then("the sync uploads nothing")
def sync_uploads_nothing(device: Device) -> None:
    result = last_sync(device)
    assert (result.uploaded, result.errors) == (0, ()), (
        f"the sync uploaded {result.uploaded}: {result.errors}"
    )


@then("the sync reports no errors")
def sync_reports_no_errors(device: Device) -> None:
    assert last_sync(device).errors == ()
