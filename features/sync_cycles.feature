# REQUIREMENTS.md section 10: when the device syncs. Time is the mock's clock (and the device's,
# moved together); a slow server is an injected latency, never a sleep in a step.
Feature: Sync cycles

  Background:
    Given a signed-in user whose offline profile is "Field Sales"
    And the device has synced

  @MO-SYNC-001
  Scenario: The device syncs on demand
    Given the server gains a "account" record the user's profile downloads
    And the device is offline
    When the user creates a "task" named "Call back about the quote" offline
    And the device goes online
    Then the server holds no "task" named "Call back about the quote"
    When the user asks the device to sync
    Then the device holds that record
    And the server holds one "task" named "Call back about the quote"

  @MO-SYNC-001
  Scenario Outline: The device syncs <entity> periodically, at the profile's interval of <interval> minutes
    # Field Sales: accounts without an interval (the default, 5 minutes), tasks every 15 minutes.
    Given the server gains a "<entity>" record the user's profile downloads
    When <before> minutes pass
    Then the device does not hold that record yet
    When 1 minutes pass
    Then a periodic sync downloaded "<entity>"
    And the device holds that record

    Examples:
      | entity  | interval | before |
      | account | 5        | 4      |
      | task    | 15       | 14     |

  @MO-SYNC-001
  Scenario: No periodic sync runs while the device is offline
    Given the server gains a "account" record the user's profile downloads
    And the device is offline
    When 30 minutes pass
    Then no periodic sync ran
    And the device does not hold that record yet
    When the device goes online
    And 5 minutes pass
    Then a periodic sync downloaded "account"
    And the device holds that record

  @MO-SYNC-002
  Scenario: The app stays usable while a sync runs, and nothing written meanwhile is lost
    Given the server holds a "account" record the user's profile downloads
    And the device has synced
    And the server answers the next sync's first request after 3 seconds
    When the device starts a sync in the background
    And the user creates a "task" named "Written during the sync" while the sync runs
    And the user opens that record while the sync runs
    Then the sync is still running
    When the background sync ends
    Then the background sync reports no errors
    When the device goes online and syncs
    Then the sync reports no errors
    And the server holds one "task" named "Written during the sync"
