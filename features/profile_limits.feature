# REQUIREMENTS.md section 13: the limits on the relationships of a mobile offline profile entity.
#
# Checked on the server through its Web API, as the administrator builds a profile: each
# relationship (a profile item association) is accepted or refused when it is saved, and a
# refused one is not kept.
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

  @MO-PROF-002
  Scenario Outline: A profile entity may have one <first kind> relationship; a second 1:M or M:M is rejected
    Given the admin adds "<entity>" to the profile with "Other data filter" and "my records"
    When the admin adds the relationship "<first>" to the profile's "<entity>"
    And the admin adds the relationship "<many-to-one>" to the profile's "<entity>"
    Then the server accepts them all
    When the admin adds the relationship "<second>" to the profile's "<entity>"
    Then the server refuses it with "0x80071139"
    And the refusal says "no more than 1 many to many (M:M) or one to many (1:M) relationship allowed"
    And the profile's "<entity>" has only the relationships "<first>" and "<many-to-one>"

    Examples:
      | entity  | first kind | first                     | many-to-one               | second                        |
      | account | 1:M        | contact_customer_accounts | account_primary_contact   | opportunity_customer_accounts |
      | contact | M:M        | contactleads_association  | contact_customer_accounts | incident_customer_contacts    |

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
  Scenario: A relationship that closes a circle of three profile entities is rejected
    Given the admin adds "account" to the profile with "Other data filter" and "my records"
    And the admin adds "contact" to the profile with "Other data filter" and "my records"
    And the admin adds "opportunity" to the profile with "Other data filter" and "my records"
    When the admin adds the relationship "opportunity_parent_account" to the profile's "opportunity"
    And the admin adds the relationship "contact_customer_accounts" to the profile's "account"
    Then the server accepts them all
    When the admin adds the relationship "opportunity_parent_contact" to the profile's "contact"
    Then the server refuses it with "0x800711F1"
    And the refusal says "(contact > opportunity > account > contact)"
    And the profile's "contact" has no relationships

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
