"""Steps about when the device syncs: on demand, periodically as time passes on the mock's clock
and the device's, and in the background while the user keeps working (MO-SYNC-001, 002)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from features.steps.entity_steps import arranged, create_on_server, local
from features.steps.samples import SAMPLES
from harness.dataverse import Dataverse
from harness.device import Device
from harness.protocol.messages import (
    Create,
    Elapse,
    Elapsed,
    GoOnline,
    Retrieve,
    StartSync,
    SyncResult,
    SyncStatus,
    WaitForSync,
)


@given(parsers.parse('the server gains a "{entity}" record the user\'s profile downloads'))
@when(parsers.parse('the server gains a "{entity}" record the user\'s profile downloads'))
def server_gains_record(device: Device, organization: Dataverse, entity: str) -> None:
    device.memory["record"] = create_on_server(organization, device, entity)


@when(parsers.parse("{minutes:d} minutes pass"))
def minutes_pass(device: Device, organization: Dataverse, minutes: int) -> None:
    """The mock's clock and the device's move together."""
    organization.call("POST", f"{organization.origin}/_mock/clock", json={"advance": {"minutes": minutes}})
    device.memory["elapsed"] = device.run(Elapse(minutes=minutes))


@when("the device goes online")
def device_goes_online(device: Device) -> None:
    device.run(GoOnline())


@then("the device holds that record")
def device_holds_record(device: Device) -> None:
    record = arranged(device)
    assert local(device, record.entity, record.record_id) is not None, "the device does not hold it"


@then("the device does not hold that record yet")
def device_lacks_record(device: Device) -> None:
    record = arranged(device)
    assert local(device, record.entity, record.record_id) is None, "the device already holds it"


@then(parsers.parse('a periodic sync downloaded "{entity}"'))
def periodic_sync_downloaded(device: Device, entity: str) -> None:
    elapsed = device.memory.get("elapsed")
    assert isinstance(elapsed, Elapsed)
    assert entity in elapsed.synced, f"the periodic sync downloaded {list(elapsed.synced)}"


@then("no periodic sync ran")
def no_periodic_sync(device: Device) -> None:
    elapsed = device.memory.get("elapsed")
    assert isinstance(elapsed, Elapsed)
    assert elapsed.synced == (), f"a periodic sync downloaded {list(elapsed.synced)}"


# --- a sync in the background ------------------------------------------------------------------


@given(parsers.parse("the server answers the next sync's first request after {seconds:d} seconds"))
def slow_first_request(device: Device, organization: Dataverse, seconds: int) -> None:
    """The first request of a sync reads the user's offline profile: the user's systemuser row."""
    fault = {"kind": "latency", "path": r".*/systemusers\(.*", "method": "GET", "latency_ms": seconds * 1000}
    organization.call("POST", f"{organization.origin}/_mock/faults", json=fault)


@when("the device starts a sync in the background")
def start_background_sync(device: Device) -> None:
    device.run(StartSync())


@when(parsers.parse('the user creates a "{entity}" named "{name}" while the sync runs'))
def create_during_sync(device: Device, entity: str, name: str) -> None:
    sample = SAMPLES[entity]
    device.run(Create(entity=entity, values={**sample.values, sample.name: name}))


@when("the user opens that record while the sync runs")
def read_during_sync(device: Device) -> None:
    record = arranged(device)
    shown = device.run(Retrieve(entity=record.entity, record_id=record.record_id)).record
    assert (
        shown.get(SAMPLES[record.entity].name) == SAMPLES[record.entity].values[SAMPLES[record.entity].name]
    )


@then("the sync is still running")
def sync_still_running(device: Device) -> None:
    assert device.run(SyncStatus()).running, "the sync had already ended: the commands did not overlap it"


@when("the background sync ends")
def background_sync_ends(device: Device) -> None:
    device.memory["sync"] = device.run(WaitForSync())


@then("the background sync reports no errors")
def background_sync_no_errors(device: Device) -> None:
    result = device.memory.get("sync")
    assert isinstance(result, SyncResult) and result.errors == (), result
