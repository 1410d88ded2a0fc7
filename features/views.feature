# REQUIREMENTS.md section 5: views offline. System views and quick view forms of offline tables
# run on the device's data; personal views, the views of some activity tables and views that need
# a table outside the profile are not available offline.
Feature: Views offline

  Background:
    Given a signed-in user whose offline profile is "Field Sales"

  @MO-VIEW-001
  Scenario Outline: The system view "<view>" works offline and shows what the server shows
    Given the server holds a "<entity>" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user opens the view "<view>" of "<entity>" offline
    Then the device shows the rows the server's view shows for the data on the device

    Examples:
      | entity         | view                 |
      | account        | Active Accounts      |
      | contact        | Active Contacts      |
      | lead           | Active Leads         |
      | opportunity    | Active Opportunities |
      | incident       | Active Cases         |
      | new_inspection | Active Inspections   |
      | competitor     | Active Competitors   |
      | phonecall      | Active Phone Calls   |

  @MO-VIEW-001
  Scenario: A quick view form works offline
    Given the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user opens the quick view "Account Card" of that record offline
    Then the device shows the record's fields on the card

  @MO-VIEW-002
  Scenario: Personal views are not available offline
    Given the server holds a "account" record the user's profile downloads
    And the user has a personal view "My open accounts" of "account"
    And the device has synced
    And the device is offline
    Then the device does not list the view "My open accounts" for "account"
    And the device lists the view "Active Accounts" for "account"
    When the user opens that view offline
    Then the device refuses it as "not_available_offline"

  @MO-VIEW-003
  Scenario Outline: Views of <entity> are not available offline
    Given the server holds a "<entity>" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user asks for the views of "<entity>" offline
    Then the device refuses it as "not_available_offline"
    When the user opens the view "<view>" of "<entity>" offline
    Then the device refuses it as "not_available_offline"

    Examples:
      | entity | view                  |
      | email  | Active Email Messages |
      | task   | Active Tasks          |

  @MO-VIEW-004
  Scenario: A view that links to a table outside the profile is not available offline
    # The page's example: an Account view showing the primary contact when Contact is not offline.
    Given the user's offline profile leaves out "contact"
    And the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline
    Then the device does not list the view "Accounts: Primary Contact" for "account"
    And the device lists the view "Active Accounts" for "account"
    When the user opens the view "Accounts: Primary Contact" of "account" offline
    Then the device refuses it as "not_available_offline"

  @MO-VIEW-004
  Scenario: A view that links to a table in the profile works offline
    Given the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user opens the view "Accounts: Primary Contact" of "account" offline
    Then the device shows the rows the server's view shows for the data on the device
    And the device shows the linked columns of the view
