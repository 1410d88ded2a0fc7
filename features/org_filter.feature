# REQUIREMENTS.md section 12: the organization data filter of an offline profile entity.
#
# The mock keeps the org data filter per profile item ("dayssincerecordlastmodified", filled with
# the organization's default of 10 days when the item names none) and applies it only to an
# entity with no data download rule: with a rule, the rule alone decides (mock_server/FIDELITY.md,
# "Offline org data filter"). Ages are made with the mock's clock: a row is saved, the clock moves.
Feature: Organization data filter

  @MO-ORG-001
  Scenario: With no other rule, the org data filter downloads the records modified in the last 10 days, and no older ones
    Given a signed-in user whose offline profile is "Field Sales"
    And a new offline profile "Recent accounts"
    And the admin adds "account" to the profile with "no data download rule"
    And the admin publishes the profile and assigns it to the user
    And the server holds an "account" named "Changed 11 days ago", owned by the user
    And 1 day passes on the server's clock
    And the server holds an "account" named "Changed 10 days ago", owned by the user
    And 10 days pass on the server's clock
    When the device syncs
    Then the sync reports no errors
    And the profile's "account" has an org data filter of records modified in the last 10 days
    And the device holds exactly the accounts the user may read that were modified in the last 10 days
    And the device holds the "account" records named "Changed 10 days ago"
    And the device holds none of the "account" records named "Changed 11 days ago"

  @MO-ORG-002
  Scenario: The org data filter is configured per entity, and each entity downloads by its own
    Given a signed-in user whose offline profile is "Field Sales"
    And a new offline profile "Recent accounts and contacts"
    And the admin adds "account" to the profile with "no data download rule"
    And the admin adds "contact" to the profile with "no data download rule"
    And the admin sets the org data filter of the profile's "account" to 3 days
    And the admin publishes the profile and assigns it to the user
    And the server holds an "account" named "Harbour Supplies", owned by the user
    And the server holds a "contact" named "Okafor", owned by the user
    And 5 days pass on the server's clock
    When the device syncs
    Then the sync reports no errors
    And the profile's "account" has an org data filter of records modified in the last 3 days
    And the profile's "contact" has an org data filter of records modified in the last 10 days
    And the device holds exactly the accounts the user may read that were modified in the last 3 days
    And the device holds none of the "account" records named "Harbour Supplies"
    And the device holds the "contact" records named "Okafor"

  @MO-ORG-002
  Scenario: A profile entity without an org data filter rule gets a warning when the profile is validated
    Given a new offline profile "All accounts and contacts"
    And the admin adds "account" to the profile with "All records"
    And the admin adds "contact" to the profile with "All records"
    And the profile's "contact" has no org data filter
    When the admin validates the profile
    Then validation warns "0x800711F6" about the profile's "contact"
    And validation gives no "0x800711F6" warning about the profile's "account"
    And validation reports no errors
