# REQUIREMENTS.md section 2: business rules offline. The device downloads the business rules of
# its offline tables at sync and evaluates them itself, offline, with no server round trip: the
# server's request log stays empty while the user works on the form.
#
# The rules are the organization's seeded ones:
#   Inspection "A low score fails the inspection": a score under 50 sets Result to Fail (100000001)
#   Inspection "A failed inspection needs notes": Result Fail without Notes shows an error
#   Inspection "Inspection form defaults and locks": a completed inspection locks Result and hides
#     Score; otherwise Score defaults to 100, Result is unlocked and Score shown
#   Contact "Mobile phone required without a business phone": sets Mobile Phone business required
#   Contact "Contacts without a company have no job title": clears the job title "Unassigned"
Feature: Business rules offline

  Background:
    Given a signed-in user whose offline profile is "Field Sales"

  @MO-BR-001
  Scenario: Set field value: a business rule sets a column on the device offline
    Given the device has synced
    And the device is offline
    And the server's request log is cleared
    When the user opens a new "new_inspection" form offline
    And the user sets "new_score" to 80 on the form
    Then the form shows "new_result" empty
    When the user sets "new_score" to 40 on the form
    Then the form shows "new_result" set to 100000001
    And the device sent no request to the server while offline

  @MO-BR-001
  Scenario: Set default value: a new record's form gets the rule's default offline
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the server's request log is cleared
    When the user opens a new "new_inspection" form offline
    Then the form shows "new_score" set to 100
    When the user opens that record's form offline
    Then the form shows "new_score" empty
    And the device sent no request to the server while offline

  @MO-BR-001
  Scenario: Clear value: a business rule clears a column on the device offline
    Given the device has synced
    And the device is offline
    And the server's request log is cleared
    When the user opens a new "contact" form offline
    And the user sets "jobtitle" to "Field engineer" on the form
    Then the form shows "jobtitle" set to "Field engineer"
    When the user sets "jobtitle" to "Unassigned" on the form
    Then the form shows "jobtitle" empty
    And the device sent no request to the server while offline

  @MO-BR-001
  Scenario: Set business required: a business rule makes a column required on the device offline
    Given the device has synced
    And the device is offline
    And the server's request log is cleared
    When the user opens a new "contact" form offline
    Then the form shows "mobilephone" as business required
    When the user sets "telephone1" to "+44 113 496 0000" on the form
    Then the form does not show "mobilephone" as business required
    And the device sent no request to the server while offline

  @MO-BR-001
  Scenario: Show error message: a business rule shows its error on the device offline
    Given the device has synced
    And the device is offline
    And the server's request log is cleared
    When the user opens a new "new_inspection" form offline
    And the user sets "new_result" to 100000001 on the form
    Then the form shows the error "Describe what failed in Notes before saving a failed inspection." on "new_notes"
    When the user sets "new_notes" to "The valve leaks." on the form
    Then the form shows no error
    And the device sent no request to the server while offline

  @MO-BR-001
  Scenario: Lock/unlock field: a business rule locks a column on the device offline
    Given the server holds a "new_inspection" record the user's profile downloads
    And that record is completed on the server
    And the device has synced
    And the device is offline
    And the server's request log is cleared
    When the user opens that record's form offline
    Then the form shows "new_result" locked
    When the user opens a new "new_inspection" form offline
    Then the form shows "new_result" unlocked
    And the device sent no request to the server while offline

  @MO-BR-001
  Scenario: Show/hide field: a business rule hides a column on the device offline
    Given the server holds a "new_inspection" record the user's profile downloads
    And that record is completed on the server
    And the device has synced
    And the device is offline
    And the server's request log is cleared
    When the user opens that record's form offline
    Then the form shows "new_score" hidden
    When the user opens a new "new_inspection" form offline
    Then the form shows "new_score" visible
    And the device sent no request to the server while offline

  @MO-BR-001
  Scenario: Values a business rule sets offline are saved with the record
    Given the device has synced
    And the device is offline
    When the user opens a new "new_inspection" form offline
    And the user sets "new_name" to "Pump room inspection" on the form
    And the user saves the form offline
    Then the device saves the form
    When the device goes online and syncs
    Then the sync reports no errors
    And the server's "new_inspection" named "Pump room inspection" has "new_score" set to 100

  @MO-BR-002
  Scenario: A new record that a business rule's error message blocks is not queued for upload
    Given the device has synced
    And the device is offline
    When the user opens a new "new_inspection" form offline
    And the user sets "new_name" to "Failed boiler inspection" on the form
    And the user sets "new_score" to 30 on the form
    Then the form shows the error "Describe what failed in Notes before saving a failed inspection." on "new_notes"
    When the user saves the form offline
    Then the device refuses it as "business_rule_error"
    And the device holds no "new_inspection" named "Failed boiler inspection"
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server holds no "new_inspection" named "Failed boiler inspection"

  @MO-BR-002
  Scenario: A change that a business rule's error message blocks is not queued for upload
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user opens that record's form offline
    And the user sets "new_result" to 100000001 on the form
    And the user saves the form offline
    Then the device refuses it as "business_rule_error"
    And the device keeps that record's "new_result" empty
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

  @MO-BR-002
  Scenario: A save whose business rule error is resolved is queued and uploaded
    Given the device has synced
    And the device is offline
    When the user opens a new "new_inspection" form offline
    And the user sets "new_name" to "Failed boiler inspection" on the form
    And the user sets "new_score" to 30 on the form
    And the user sets "new_notes" to "The valve leaks." on the form
    Then the form shows no error
    When the user saves the form offline
    Then the device saves the form
    When the device goes online and syncs
    Then the sync reports no errors
    And the server's "new_inspection" named "Failed boiler inspection" has "new_result" set to 100000001
