# REQUIREMENTS.md section 6: offline search is categorized search of one offline table, on text
# columns; relevance search, several tables at once and date fields are not available offline.
Feature: Offline search

  Background:
    Given a signed-in user whose offline profile is "Field Sales"
    And the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline

  @MO-SRCH-001
  Scenario: Offline search finds records of an offline table
    When the user searches "account" for "Harbour" offline
    Then the search finds that record
    When the user searches "account" for "Zanzibar" offline
    Then the search finds nothing

  @MO-SRCH-001
  Scenario: Offline search does not cover a table outside the profile
    When the user searches "businessunit" for "Contoso" offline
    Then the device refuses it as "not_available_offline"

  @MO-SRCH-002
  Scenario: Offline search covers one table per search
    When the user searches "account, contact" for "Harbour" offline
    Then the device refuses it as "command_not_offered"
    When the user searches "account" for "Harb*" offline
    Then the search finds that record

  @MO-SRCH-003
  Scenario: Relevance search is refused offline, categorized search works
    When the user runs a relevance search of "account" for "Harbour" offline
    Then the device refuses it as "command_not_offered"
    When the user searches "account" for "Harbour" offline
    Then the search finds that record

  @MO-SRCH-004
  Scenario: Date fields are not searchable offline
    When the user searches the "createdon" column of "account" for "2026" offline
    Then the device refuses it as "not_available_offline"
    When the user searches the "name" column of "account" for "Harbour" offline
    Then the search finds that record
