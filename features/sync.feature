# REQUIREMENTS.md section 10 (MO-SYNC-003 to 007). Users are made for each scenario, with roles
# arranged through the Web API as the administrator; what a sync sent is read from the mock's
# request log, what the user may read and what changed for the user from the server with the
# user's own token.
Feature: Synchronization

  @MO-SYNC-003
  Scenario: The initial metadata download covers only the entities of the offline profile
    # Decision: the names and entity sets of the tables a profile entity's lookups point to are
    # not their metadata (the device needs them to bind lookups, and reads nothing else of
    # them); reading an entity's attributes or relationships is.
    Given a user whose offline profile takes only "account" and "contact"
    When the device syncs for the first time
    Then the sync reports no errors
    And the device downloaded the definitions of "account" and "contact" and of no other entity

  @MO-SYNC-004
  Scenario: A sync after reconnecting uploads the offline changes and downloads only the server's changes, deletions included
    Given a user who may read, create, update and delete their own accounts
    And the server holds the user's accounts "Alder, Birch, Cedar, Damson, Elm, Hazel, Juniper, Larch, Maple"
    And the device has synced, noting the server's change tracking as the user
    When the device goes offline
    And the user renames "Alder" to "Alder Ltd" and creates an account "Fir" on the device
    And on the server the administrator renames "Birch" to "Birch Ltd", deletes "Cedar" and gives the user a new account "Gorse"
    And the device reconnects and syncs
    Then the sync reports no errors
    And the server holds one "account" named "Alder Ltd"
    And the server holds one "account" named "Fir"
    And the device holds exactly the accounts the user may read on the server
    And the device holds "Alder Ltd, Birch Ltd, Damson, Fir, Gorse" and none of "Alder, Birch, Cedar"
    And the sync downloaded the server's changes since the last sync, not every account

  @MO-SYNC-005
  Scenario: A privilege granted on the server takes effect on the device at the next sync, not before
    Given a user who may read their own accounts but not create them
    And the device has synced
    When the device goes offline
    And the user tries to create an account "Fir"
    Then the device refuses it as "privilege_denied"
    When the administrator gives the user a role that grants Create on accounts
    And the user tries to create an account "Fir"
    Then the device refuses it as "privilege_denied"
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server holds no "account" named "Fir"
    When the user tries to create an account "Fir"
    Then the device accepts it
    When the device goes online and syncs
    Then the sync reports no errors
    And the server holds one "account" named "Fir"

  @MO-SYNC-005
  Scenario: A privilege taken away on the server stays on the device until the next sync
    Given a user who may read, create, update and delete their own accounts
    And the device has synced
    When the administrator takes away the user's role that writes accounts
    And the device goes offline
    And the user tries to create an account "Fir"
    Then the device accepts it
    When the device goes online and syncs
    Then the sync reports "privilege_denied" for the account "Fir"
    When the user tries to create an account "Gorse"
    Then the device refuses it as "privilege_denied"

  @MO-SYNC-006
  Scenario Outline: An offline <operation> the user is no longer privileged to make is rejected at sync, and the server is unchanged
    Given a user who may read, create, update and delete their own accounts
    And the server holds the user's accounts "Alder"
    And the device has synced
    When the device goes offline
    And the user makes an offline <operation> of "Alder"
    And the administrator takes away the user's role that writes accounts
    And the device goes online and syncs
    Then the sync reports "privilege_denied" for the offline <operation>, and nothing else
    And the server still holds "Alder" as it was, and no account "Fir"
    And the device shows "Alder" as the server holds it, and no account "Fir"

    Examples:
      | operation |
      | create    |
      | update    |
      | delete    |

  @MO-SYNC-007
  Scenario Outline: A change to which accounts the user may read through <way> reaches the device at the next sync
    Given a user whose only Read privilege on "account" is at "User" depth
    And an account "Gained" the user cannot read yet and an account "Lost" the user can read, both through <way>
    And the device has synced
    Then the device holds "Lost" and none of "Gained"
    When the administrator makes "Gained" readable to the user and "Lost" unreadable, through <way>
    And the device syncs
    Then the sync reports no errors
    And the device holds exactly the accounts the user may read on the server
    And the device holds "Gained" and none of "Lost"

    Examples:
      | way       |
      | a share   |
      | its owner |
      | a team    |
