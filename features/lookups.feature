# REQUIREMENTS.md section 4: lookups offline work only towards offline tables.
Feature: Lookups offline

  Background:
    Given a signed-in user whose offline profile is "Field Sales"

  @MO-LKP-001
  Scenario: A lookup to an offline table offers local records, and the chosen value is uploaded
    Given the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the server's request log is cleared
    When the user looks up "parentcustomerid" of a new "contact" offline
    Then the candidates include that record
    And the device sent no request to the server while offline
    When the user creates a "contact" named "Lookup-Lindqvist" offline with "parentcustomerid" set to that record
    And the device goes online and syncs
    Then the sync reports no errors
    And on the server the "contact" named "Lookup-Lindqvist" has "parentcustomerid" set to that record

  @MO-LKP-002
  Scenario: A lookup to a table that is not offline is not available offline
    Given the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the server's request log is cleared
    When the user looks up "transactioncurrencyid" of a new "contact" offline
    Then the device refuses it as "not_available_offline"
    When the user looks up "parentcustomerid" of a new "contact" offline
    Then the candidates include that record
    And the device sent no request to the server while offline
