# REQUIREMENTS.md section 13: the limits on the relationships of a mobile offline profile entity.
#
# Checked on the server through its Web API, as the administrator builds a profile: each
# relationship (a profile item association) is accepted or refused when it is saved, and a
# refused one is not kept. A device that syncs with the profile the server kept follows each
# relationship the profile holds, and no other, to the rows of the entities that download related
# data only.
Feature: Offline profile limits

  Background:
    Given a new offline profile "Inspections"

  # Decision: newer docs raise the relationship limit to 15; the limit is a server setting whose
  # default is 10 (the page's value), and the suite tests the configured value.
  @MO-PROF-001
  Scenario: A profile entity may define at most 10 relationships by default; an 11th is rejected
    Given the organization keeps the default relationship limit per profile entity
    And the admin adds "task" to the profile with "Other data filter" and "my records"
    When the admin adds as many relationships to the profile's "task" as the limit allows
    Then the server accepts them all
    When the admin adds one relationship more to the profile's "task"
    Then the server refuses it with "0x800711F0"
    And the refusal names the relationship limit
    And the profile's "task" has as many relationships as the limit allows

  # Decision: newer docs raise the relationship limit to 15; the limit is a server setting whose
  # default is 10 (the page's value), and the suite tests the configured value.
  @MO-PROF-001
  Scenario Outline: A profile entity may define at most the configured <limit> relationships; one more is rejected
    Given the organization sets the relationship limit per profile entity to <limit>
    And the admin adds "task" to the profile with "Other data filter" and "my records"
    When the admin adds as many relationships to the profile's "task" as the limit allows
    Then the server accepts them all
    When the admin adds one relationship more to the profile's "task"
    Then the server refuses it with "0x800711F0"
    And the refusal names the relationship limit
    And the profile's "task" has as many relationships as the limit allows

    Examples:
      | limit |
      | 4     |
      | 12    |

  @MO-PROF-001
  Scenario: A device follows each relationship of a profile entity, up to a limit the organization raised
    Given a signed-in user whose offline profile is "Field Sales"
    And the server holds these "task" records
      | name           | owner           |
      | Send the quote | the user        |
      | Call the crew  | the user's team |
    And the organization sets the relationship limit per profile entity to 12
    And the admin adds "task" to the profile with "Other data filter", "my records" and "my team's records"
    When the admin adds the relationships "Account_Tasks", "Competitor_Tasks", "Contact_Tasks", "Incident_Tasks", "Lead_Tasks", "Opportunity_Tasks", "lk_task_createdby", "lk_task_modifiedby", "new_inspection_Tasks", "owner_tasks" and "team_owner_tasks" to the profile's "task"
    And the admin adds every entity the relationships of the profile's "task" lead to, with "Download related data only"
    Then the server accepts them all
    When the admin publishes the profile and assigns it to the user
    And the device syncs
    Then the sync reports no errors
    And the device holds exactly the "team" records its "task" records reach through the profile's relationships

  @MO-PROF-002
  Scenario Outline: A profile entity may have one <first kind> relationship; a second 1:M or M:M is rejected, and a device follows the ones it holds
    Given a signed-in user whose offline profile is "Field Sales"
    And the server holds these "account" records
      | name             | owner       |
      | Harbour Supplies | the user    |
      | Fjord Pumps      | a colleague |
    And the server holds these "contact" records
      | name   | owner       | account          |
      | Okafor | a colleague | Harbour Supplies |
      | Berg   | the user    | Fjord Pumps      |
    And the admin adds "<entity>" to the profile with "Other data filter" and "my records"
    When the admin adds the relationship "<first>" to the profile's "<entity>"
    And the admin adds the relationship "<many-to-one>" to the profile's "<entity>"
    Then the server accepts them all
    When the admin adds the relationship "<second>" to the profile's "<entity>"
    Then the server refuses it with "0x80071139"
    And the refusal says "no more than 1 many to many (M:M) or one to many (1:M) relationship allowed"
    And the profile's "<entity>" has only the relationships "<first>" and "<many-to-one>"
    When the admin adds every entity the relationships of the profile's "<entity>" lead to, with "Download related data only"
    Then the server accepts them all
    When the admin publishes the profile and assigns it to the user
    And the device syncs
    Then the sync reports no errors
    And the device holds exactly the "<related>" records its "<entity>" records reach through the profile's relationships

    Examples:
      | entity  | first kind | first                     | many-to-one               | second                        | related |
      | account | 1:M        | contact_customer_accounts | account_primary_contact   | opportunity_customer_accounts | contact |
      | contact | M:M        | contactleads_association  | contact_customer_accounts | incident_customer_contacts    | account |

  @MO-PROF-003
  Scenario: A relationship back to the entity it comes from, through one other entity, is rejected as circular
    Given the admin adds "account" to the profile with "Other data filter" and "my records"
    And the admin adds "contact" to the profile with "Other data filter" and "my records"
    When the admin adds the relationship "contact_customer_accounts" to the profile's "account"
    Then the server accepts it
    When the admin adds the relationship "account_primary_contact" to the profile's "contact"
    Then the server refuses it with "0x800711F1"
    And the refusal says "circular reference between profile entities (contact > account > contact)"
    And the profile's "contact" has no relationships

  @MO-PROF-003
  Scenario: A relationship that closes a circle of three profile entities is rejected, and a device follows the chain that stays
    Given a signed-in user whose offline profile is "Field Sales"
    And the server holds these "account" records
      | name             | owner       |
      | Harbour Supplies | a colleague |
      | Fjord Pumps      | a colleague |
    And the server holds these "contact" records
      | name   | owner       | account          |
      | Okafor | the user    | Harbour Supplies |
      | Berg   | a colleague | Fjord Pumps      |
    And the server holds these "incident" records
      | name         | owner       | account          |
      | Pump failure | a colleague | Harbour Supplies |
      | Valve leak   | a colleague | Fjord Pumps      |
    And the admin adds "contact" to the profile with "Other data filter" and "my records"
    And the admin adds the relationship "contact_customer_accounts" to the profile's "contact"
    And the admin adds "account" to the profile with "Download related data only"
    When the admin adds the relationship "incident_customer_accounts" to the profile's "account"
    And the admin adds "incident" to the profile with "Download related data only"
    Then the server accepts them all
    When the admin adds the relationship "incident_customer_contacts" to the profile's "incident"
    Then the server refuses it with "0x800711F1"
    And the refusal says "(incident > contact > account > incident)"
    And the profile's "incident" has no relationships
    When the admin publishes the profile and assigns it to the user
    And the device syncs
    Then the sync reports no errors
    And the device holds the "incident" records named "Pump failure"
    And the device holds none of the "incident" records named "Valve leak"

  @MO-PROF-004
  Scenario Outline: A relationship of "<entity>" to itself is rejected
    Given the admin adds "<entity>" to the profile with "Other data filter" and "my records"
    When the admin adds the relationship "<to itself>" to the profile's "<entity>"
    Then the server refuses it with "0x800711F2"
    And the refusal says "self-referencing relationships are not supported"
    When the admin adds the relationship "<to another entity>" to the profile's "<entity>"
    Then the server accepts it
    And the profile's "<entity>" has only the relationship "<to another entity>"

    Examples:
      | entity  | to itself                 | to another entity         |
      | account | account_parent_account    | account_primary_contact   |
      | contact | contact_customer_contacts | contact_customer_accounts |

  @MO-PROF-004
  Scenario: A device does not follow the self-referencing relationship the profile could not hold
    Given a signed-in user whose offline profile is "Field Sales"
    And the server holds these "account" records
      | name           | owner       | parent        |
      | Harbour Group  | a colleague |               |
      | Harbour Branch | the user    | Harbour Group |
    And the admin adds "account" to the profile with "Other data filter" and "my records"
    When the admin adds the relationship "account_parent_account" to the profile's "account"
    Then the server refuses it with "0x800711F2"
    When the admin publishes the profile and assigns it to the user
    And the device syncs
    Then the sync reports no errors
    And the device holds the "account" records named "Harbour Branch"
    And the device holds none of the "account" records named "Harbour Group"
