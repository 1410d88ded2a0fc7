# REQUIREMENTS.md section 9: subgrids and relationships offline. The page: "certain relationships
# such as relationships that are N:N are read only, and the Add Existing command will be hidden
# on subgrids for those relationships. Even if the button is unhidden via customization, the
# command will not work in offline." A subgrid is named by the table whose rows it lists and the
# relationship that links them to the record on the form. Add Existing on a 1:N relationship
# (setting the related record's lookup) works offline: it shows that the N:N refusals are about
# the relationship, not a device that cannot add existing records at all.
Feature: Subgrids and relationships offline

  Background:
    Given a signed-in user whose offline profile is "Field Sales"

  @MO-SUB-001
  Scenario Outline: Add Existing is not offered offline on the <entity> subgrid of the N:N relationship <relationship>
    Given the device has synced
    And the device is offline
    Then the device does not offer "add_existing" on the "<entity>" subgrid of "<relationship>"
    And the device offers "read" on the "<entity>" subgrid of "<relationship>"

    Examples:
      | entity         | relationship             |
      | contact        | contactleads_association |
      | lead           | contactleads_association |
      | contact        | new_inspection_contact   |
      | new_inspection | new_inspection_contact   |

  @MO-SUB-001
  Scenario: Add Existing is offered offline on the subgrid of a 1:N relationship
    Given the device has synced
    And the device is offline
    Then the device offers "add_existing" on the "contact" subgrid of "contact_customer_accounts"

  @MO-SUB-002
  Scenario Outline: Add Existing invoked directly on the N:N subgrid <relationship> fails offline and changes nothing
    Given the user's profile downloads a "<form>" record and a "<related>" record from the server
    And the device has synced
    And the device is offline
    When the user adds the existing "<related>" to the "<form>" through "<relationship>" offline
    Then the device refuses it as "read_only_offline"
    When the device goes online and syncs
    Then the sync uploads nothing
    And on the server the links of the "<form>" through "<relationship>" are unchanged

    Examples:
      | form           | related | relationship             |
      | lead           | contact | contactleads_association |
      | contact        | lead    | contactleads_association |
      | new_inspection | contact | new_inspection_contact   |

  @MO-SUB-002
  Scenario: Add Existing on the subgrid of a 1:N relationship works offline and reaches the server
    Given the user's profile downloads a "account" record and a "contact" record from the server
    And the device has synced
    And the device is offline
    When the user adds the existing "contact" to the "account" through "contact_customer_accounts" offline
    Then the device shows the "contact" linked to the "account" through "contact_customer_accounts"
    When the device goes online and syncs
    Then the sync reports no errors
    And on the server the "contact" is linked to the "account" through "contact_customer_accounts"
