# REQUIREMENTS.md section 7: notes on the timeline offline. The page: "You can take pictures,
# read notes, and add/remove attachments in offline mode." The device keeps the notes of the
# records it holds; notes and their files are added and removed on the device and reach the
# server at the next sync. A Dataverse note holds one file at most.
Feature: Notes on the timeline offline

  Background:
    Given a signed-in user whose offline profile is "Field Sales"

  @MO-NOTE-001
  Scenario Outline: Notes on the timeline of a <entity> record can be read offline
    Given the server holds a "<entity>" record the user's profile downloads
    And the server holds a note "Pump seal leaking" with "photo.jpg" on that record
    And the server holds a note "Customer asked for a quote" without attachment on that record
    And the device has synced
    And the device is offline
    When the user opens the timeline of that record
    Then the timeline shows the note "Pump seal leaking" with "photo.jpg"
    And the timeline shows the note "Customer asked for a quote" without attachment

    Examples:
      | entity      |
      | account     |
      | contact     |
      | incident    |
      | appointment |

  @MO-NOTE-001
  Scenario: The timeline offline shows the notes the device downloaded, and a new server note after the next sync
    Given the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the server holds a note "Added on the web" without attachment on that record
    When the user opens the timeline of that record
    Then the timeline does not show the note "Added on the web"
    When the device goes online and syncs
    And the user opens the timeline of that record
    Then the timeline shows the note "Added on the web" without attachment

  @MO-NOTE-002
  Scenario: A note with a picture taken on the device is added offline and uploaded at sync
    Given the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user adds the note "Seal replaced" with a picture taken on the device to that record offline
    And the user opens the timeline of that record
    Then the timeline shows the note "Seal replaced" with "photo.jpg"
    And the server holds no note "Seal replaced"
    When the device goes online and syncs
    Then the sync reports no errors
    And on the server the note "Seal replaced" holds "photo.jpg"
    And on the server the note "Seal replaced" regards that record
    And the timeline shows the note "Seal replaced" under its id on the server

  @MO-NOTE-002
  Scenario: A note with a picture added offline to a record created offline is uploaded with the record
    Given the device has synced
    And the device is offline
    When the user creates a "account" named "Harbour Kiosk" offline
    And the user adds the note "Kiosk front" with a picture taken on the device to "Harbour Kiosk" offline
    And the device goes online and syncs
    Then the sync reports no errors
    And on the server the note "Kiosk front" holds "photo.jpg"
    And on the server the note "Kiosk front" regards the "account" named "Harbour Kiosk"

  @MO-NOTE-003
  Scenario: An attachment added offline to a note reaches the server at sync
    Given the server holds a "account" record the user's profile downloads
    And the server holds a note "Meter reading" without attachment on that record
    And the device has synced
    And the device is offline
    When the user attaches "photo.jpg" to the note "Meter reading" offline
    And the user opens the timeline of that record
    Then the timeline shows the note "Meter reading" with "photo.jpg"
    And on the server the note "Meter reading" has no attachment
    When the device goes online and syncs
    Then the sync reports no errors
    And on the server the note "Meter reading" holds "photo.jpg"

  @MO-NOTE-003
  Scenario: An attachment removed offline from a note is gone from the server after sync, and the note stays
    Given the server holds a "account" record the user's profile downloads
    And the server holds a note "Meter reading" with "photo.jpg" on that record
    And the device has synced
    And the device is offline
    When the user removes the attachment of the note "Meter reading" offline
    And the user opens the timeline of that record
    Then the timeline shows the note "Meter reading" without attachment
    And on the server the note "Meter reading" holds "photo.jpg"
    When the device goes online and syncs
    Then the sync reports no errors
    And on the server the note "Meter reading" has no attachment
    And on the server the note "Meter reading" regards that record

  @MO-NOTE-003
  Scenario: Attachments added and removed offline on a new note reach the server in order
    Given the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user adds the note "Pump survey" to that record offline
    And the user attaches "photo.jpg" to the note "Pump survey" offline
    And the user removes the attachment of the note "Pump survey" offline
    And the user attaches "gauge.png" to the note "Pump survey" offline
    And the device goes online and syncs
    Then the sync reports no errors
    And on the server the note "Pump survey" holds "gauge.png"
    And on the server the note "Pump survey" regards that record
