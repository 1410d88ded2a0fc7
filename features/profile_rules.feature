# REQUIREMENTS.md section 14: the data download rules of an offline profile entity.
#
# Rules are checked twice: on the server through its Web API, as the administrator saves and
# validates a profile (what is refused, with which code, and what is warned about), and on a
# device, which syncs with a profile built for the scenario and must hold exactly the rows the
# server's Web API finds for the user when asked independently of the profile.
Feature: Offline profile filter rules

  # An entity with no data download rule still downloads what its org data filter selects
  # (MO-ORG-001); it has no filter rule at all once its org data filter is cleared too
  # (mock_server/FIDELITY.md, "Offline org data filter").
  @MO-RULE-001
  Scenario: A profile entity with no filter rule downloads no data, and validation warns about it
    Given a signed-in user whose offline profile is "Field Sales"
    And a new offline profile "No account rule"
    And the admin adds "account" to the profile with "no data download rule"
    And the profile's "account" has no org data filter
    And the admin adds "contact" to the profile with "All records"
    And the admin publishes the profile and assigns it to the user
    And the server holds an "account" named "Harbour Supplies", owned by the user
    And the server holds a "contact" named "Okafor", owned by the user
    When the device syncs
    Then the sync reports no errors
    And the user may read "account" records on the server
    And the device holds no "account" records
    And the device holds exactly the "contact" records the user may read
    When the admin validates the profile
    Then validation warns "0x80071132" about the profile's "account"
    And validation gives no "0x80071132" warning about the profile's "contact"

  @MO-RULE-002
  Scenario: "All Records" downloads every row the user may read, whoever owns it and however old
    Given a signed-in salesperson without administrator rights, whose offline profile is "Field Sales"
    And a new offline profile "Every account"
    And the admin adds "account" to the profile with "All records"
    And the admin publishes the profile and assigns it to the user
    And the server holds these "account" records
      | name             | owner                           |
      | Harbour Supplies | the user                        |
      | Harbour Crew Ltd | the user's team                 |
      | Fjord Pumps      | a user of another business unit |
    And 30 days pass on the server's clock
    When the device syncs
    Then the sync reports no errors
    And the device holds exactly the "account" records the user may read
    And the device holds the "account" records named "Harbour Supplies" and "Harbour Crew Ltd"
    And the device holds none of the "account" records named "Fjord Pumps"

  @MO-RULE-002
  Scenario Outline: "All Records" cannot be combined with "<other rule>"
    Given a new offline profile "Every account"
    When the admin adds "account" to the profile with "All records" and "<other rule>"
    Then the server refuses it with "0x800711F3"
    And the refusal says "which cannot be combined with any other rule"
    When the admin adds "account" to the profile with "All records"
    Then the server accepts it
    And the profile's "account" still has only the rule "All records"

    Examples:
      | other rule                 |
      | my records                 |
      | my team's records          |
      | my business unit's records |
      | a custom filter            |

  @MO-RULE-003
  Scenario: "Download related data only" downloads only the rows related to the downloaded rows of another profile entity
    Given a signed-in user whose offline profile is "Field Sales"
    And a new offline profile "My accounts and their contacts"
    And the admin adds "account" to the profile with "Other data filter" and "my records"
    And the admin adds the relationship "contact_customer_accounts" to the profile's "account"
    And the admin adds "contact" to the profile with "Download related data only"
    And the admin publishes the profile and assigns it to the user
    And the server holds these "account" records
      | name             | owner       |
      | Harbour Supplies | the user    |
      | Fjord Pumps      | a colleague |
    And the server holds these "contact" records
      | name      | owner       | account          |
      | Okafor    | a colleague | Harbour Supplies |
      | Berg      | the user    | Fjord Pumps      |
      | Lindqvist | the user    |                  |
    When the device syncs
    Then the sync reports no errors
    And the device holds exactly the contacts of the accounts the user owns
    And the device holds the "contact" records named "Okafor"
    And the device holds none of the "contact" records named "Berg" or "Lindqvist"

  @MO-RULE-003
  Scenario Outline: "Download related data only" cannot be combined with "<other rule>"
    Given a new offline profile "My accounts and their contacts"
    And the admin adds "account" to the profile with "Other data filter" and "my records"
    And the admin adds the relationship "contact_customer_accounts" to the profile's "account"
    When the admin adds "contact" to the profile with "Download related data only" and "<other rule>"
    Then the server refuses it with "0x800711F3"
    And the refusal says "which cannot be combined with any other rule"
    When the admin adds "contact" to the profile with "Download related data only"
    Then the server accepts it
    And the profile's "contact" still has only the rule "Download related data only"

    Examples:
      | other rule                 |
      | my records                 |
      | my team's records          |
      | my business unit's records |
      | a custom filter            |

  @MO-RULE-003
  Scenario: "Download related data only" requires a relationship to the entity from another profile entity
    Given a new offline profile "Contacts of my accounts"
    And the admin adds "account" to the profile with "Other data filter" and "my records"
    When the admin adds "contact" to the profile with "Download related data only"
    Then the server refuses it with "0x80071140"
    And the refusal says "configured to download related records only for table: 'contact', but no relationships are specified"
    When the admin adds the relationship "contact_customer_accounts" to the profile's "account"
    And the admin adds "contact" to the profile with "Download related data only"
    Then the server accepts them all

  @MO-RULE-004
  Scenario: "Other data filter" requires at least one of my records, my team's records, my business unit's records
    Given a new offline profile "My leads"
    When the admin adds "lead" to the profile with "Other data filter"
    Then the server refuses it with "0x80071138"
    And the refusal says "however no data filter option was selected"
    When the admin adds "lead" to the profile with "Other data filter" and "my team's records"
    Then the server accepts it

  @MO-RULE-004
  Scenario Outline: "Other data filter" with <options> downloads exactly the union of the chosen sets
    Given a signed-in user whose offline profile is "Field Sales"
    And a new offline profile "Accounts by owner"
    And the admin adds "account" to the profile with "Other data filter" and <options>
    And the admin publishes the profile and assigns it to the user
    And the server holds these "account" records
      | name             | owner                           |
      | Harbour Supplies | the user                        |
      | Harbour Crew Ltd | the user's team                 |
      | Berg Consulting  | a colleague                     |
      | Fjord Pumps      | a user of another business unit |
    When the device syncs
    Then the sync reports no errors
    And the device holds exactly the union of the accounts of <options>
    And the device holds the "account" records named <downloaded>
    And the device holds none of the "account" records named <left out>

    Examples:
      | options                              | downloaded                                                   | left out                                                |
      | "my records"                         | "Harbour Supplies"                                           | "Harbour Crew Ltd", "Berg Consulting" and "Fjord Pumps" |
      | "my team's records"                  | "Harbour Crew Ltd"                                           | "Harbour Supplies", "Berg Consulting" and "Fjord Pumps" |
      | "my business unit's records"         | "Harbour Supplies", "Harbour Crew Ltd" and "Berg Consulting" | "Fjord Pumps"                                           |
      | "my records" and "my team's records" | "Harbour Supplies" and "Harbour Crew Ltd"                    | "Berg Consulting" and "Fjord Pumps"                     |

  @MO-RULE-004
  Scenario: Choosing my business unit's records on an entity that is not master data raises a warning
    Given a new offline profile "By business unit"
    And the admin adds "account" to the profile with "Other data filter" and "my business unit's records"
    And the admin adds "team" to the profile with "Other data filter" and "my business unit's records"
    When the admin validates the profile
    Then validation warns "0x800711F7" about the profile's "account"
    And validation gives no "0x800711F7" warning about the profile's "team"
    And validation reports no errors

  @MO-RULE-005
  Scenario: A custom data filter accepts at most 3 filters; a 4th is rejected
    Given a new offline profile "Leeds accounts"
    When the admin adds "account" to the profile with a "Custom data filter" of
      | attribute     | operator  | value |
      | address1_city | eq        | Leeds |
      | statecode     | eq        | 0     |
      | ownerid       | eq-userid |       |
    Then the server accepts it
    When the admin changes the custom data filter of the profile's "account" to
      | attribute     | operator  | value |
      | address1_city | eq        | Leeds |
      | statecode     | eq        | 0     |
      | ownerid       | eq-userid |       |
      | telephone1    | not-null  |       |
    Then the server refuses it with "0x80071114"
    And the refusal says "You can only define 3 Mobile offline Org  filter for each entity."
    And the custom data filter of the profile's "account" has 3 filters

  @MO-RULE-005
  Scenario: A custom data filter downloads exactly the rows its filters select
    Given a signed-in user whose offline profile is "Field Sales"
    And a new offline profile "Leeds accounts"
    And the admin adds "account" to the profile with a "Custom data filter" of
      | attribute     | operator  | value |
      | address1_city | eq        | Leeds |
      | statecode     | eq        | 0     |
      | ownerid       | eq-userid |       |
    And the admin publishes the profile and assigns it to the user
    And the server holds these "account" records
      | name             | owner       | city  | status   |
      | Harbour Supplies | the user    | Leeds | active   |
      | Harbour Archive  | the user    | Leeds | inactive |
      | Fjord Pumps      | the user    | York  | active   |
      | Berg Consulting  | a colleague | Leeds | active   |
    When the device syncs
    Then the sync reports no errors
    And the device holds exactly the active accounts in Leeds that the user owns
    And the device holds the "account" records named "Harbour Supplies"
    And the device holds none of the "account" records named "Harbour Archive", "Fjord Pumps" and "Berg Consulting"
