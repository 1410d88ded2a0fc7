# REQUIREMENTS.md section 11. The user is made for each scenario, with security arranged through
# the Web API as the administrator; the user's offline profile takes every account the user may
# read ("All records"), so the security model alone decides what the device downloads. What the
# user may read is asked of the server with the user's own token.
Feature: Security

  @MO-SEC-001
  Scenario Outline: Only the accounts a Read privilege at <depth> depth reaches are downloaded
    Given a user whose only Read privilege on "account" is at "<depth>" depth
    And accounts owned by the user, a colleague, a user of a child business unit, a user of another business unit, a team of the user, and one shared with the user
    When the device syncs
    Then the sync reports no errors
    And the device holds exactly the accounts the user may read on the server
    And the device holds "<held>" and none of "<withheld>"

    Examples:
      | depth                        | held                                                       | withheld                                   |
      | User                         | Own, Team's, Shared                                        | Colleague's, Child unit's, Other unit's    |
      | Business Unit                | Own, Colleague's, Team's, Shared                           | Child unit's, Other unit's                 |
      | Parent: Child Business Units | Own, Colleague's, Child unit's, Team's, Shared             | Other unit's                               |
      | Organization                 | Own, Colleague's, Child unit's, Other unit's, Team's, Shared | (none)                                  |

  @MO-SEC-002
  Scenario Outline: A manager's device receives the reports' accounts that hierarchy security grants, <levels> levels deep
    Given manager hierarchy security is on, <levels> levels deep
    And a manager with Read on "account" at "User" depth, a direct report, a report of that report and a peer, each owning an account
    When the device syncs
    Then the sync reports no errors
    And the device holds exactly the accounts the user may read on the server
    And the device holds "<held>" and none of "<withheld>"

    Examples:
      | levels | held                                          | withheld                   |
      | 3      | Manager's, Direct report's, Indirect report's | Peer's                     |
      | 1      | Manager's, Direct report's                    | Indirect report's, Peer's  |

  @MO-SEC-003
  Scenario Outline: A secured column is never stored on the device, even for a user who may read it through <grant>
    Given a user whose only Read privilege on "account" is at "User" depth
    And the user may read the secured column "fax" of accounts through <grant>
    And the server holds an account "Harbour Supplies" with fax "+44 20 7946 0000" and main phone "+44 20 7946 0001"
    When the device syncs
    Then the sync reports no errors
    And on the server the user reads the fax of "Harbour Supplies" as "+44 20 7946 0000"
    And the device stores the main phone of "Harbour Supplies" but not its fax

    Examples:
      | grant                         |
      | a field security profile      |
      | the System Administrator role |

  @MO-SEC-004
  Scenario: A column shared to the user through field sharing is still not stored on the device
    Given a user whose only Read privilege on "account" is at "User" depth
    And the server holds an account "Harbour Supplies" with fax "+44 20 7946 0000" and main phone "+44 20 7946 0001"
    And the server holds an account "Fjord Pumps" with fax "+47 22 00 00 00" and main phone "+47 22 00 00 01"
    And the administrator shares the column "fax" of "Harbour Supplies" with the user for reading
    When the device syncs
    Then the sync reports no errors
    And on the server the user reads the fax of "Harbour Supplies" as "+44 20 7946 0000"
    And on the server the user cannot read the fax of "Fjord Pumps"
    And the device stores the main phone of "Harbour Supplies" but not its fax
