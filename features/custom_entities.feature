# REQUIREMENTS.md section 8: custom entities. On the edit form of a custom entity record
# (the organization's custom table `new_inspection`), offline, the commands Mark Complete,
# Refresh, Convert To Opportunity and Delete are available and work:
#   Mark Complete moves the record to its completed state (statecode 1, statuscode 2 Completed);
#   Refresh reloads the record from the device's local store, dropping unsaved edits;
#   Convert To Opportunity creates an opportunity named after the record that points back to it
#     (the opportunity's `new_inspectionid`);
#   Delete deletes the record.
# Writes reach the server at the next sync. The three form commands belong to custom tables only.
Feature: Custom entities offline

  Background:
    Given a signed-in user whose offline profile is "Field Sales"

  @MO-CUST-001
  Scenario: The edit form of a custom entity record offers its commands offline
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    Then the edit form of that record offers "mark_complete, refresh, convert_to_opportunity, delete"

  @MO-CUST-001
  Scenario: Mark Complete works offline on a custom entity record
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "mark_complete" on a "new_inspection" record
    When the user runs the form command "mark_complete" offline on that record
    Then the device shows that record completed
    And the device does not offer "mark_complete" on a "new_inspection" record
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows that record completed

  @MO-CUST-001
  Scenario: Refresh works offline on a custom entity record
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "refresh" on a "new_inspection" record
    When the user opens that record's form offline
    And the user sets "new_name" to "Renamed but not saved" on the form
    And the user runs the form command "refresh" offline on that record
    Then the refreshed record shows what the device stored, without the unsaved edits
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

  @MO-CUST-001
  Scenario: Convert To Opportunity works offline on a custom entity record
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "convert_to_opportunity" on a "new_inspection" record
    When the user runs the form command "convert_to_opportunity" offline on that record
    Then the device holds a new opportunity linked to that record
    When the device goes online and syncs
    Then the sync reports no errors
    And the server holds one opportunity converted from that record

  @MO-CUST-001
  Scenario: Delete works offline on a custom entity record's edit form
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "delete" on a "new_inspection" record
    When the user runs "delete" offline on a "new_inspection" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "delete"

  @MO-CUST-001
  Scenario Outline: The custom entity command "<command>" is not offered on a <entity> record
    Given the server holds a "<entity>" record the user's profile downloads
    And the device has synced
    And the device is offline
    Then the device does not offer "<command>" on a "<entity>" record
    When the user runs the form command "<command>" offline on that record
    Then the device refuses it as "command_not_offered"
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

    Examples:
      | entity  | command                |
      | account | mark_complete          |
      | account | refresh                |
      | contact | convert_to_opportunity |
