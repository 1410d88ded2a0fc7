# REQUIREMENTS.md section 3: business process flows offline. The mock's flows: "Inspection
# Process" stays on new_inspection (Schedule -> Inspect -> [Follow-up when the result is Fail]
# -> Close); "Lead to Opportunity Sales Process" spans lead and opportunity (Qualify on the lead,
# then Develop, Propose, Close on the opportunity).
#
# Decision (REQUIREMENTS.md): single-entity BPFs work offline with exactly three commands (Next
# stage, Previous stage, Set Active stage); multi-entity BPFs do not render offline and their
# stage moves are refused; branching is never evaluated offline (the server resolves the branch
# after sync); a lead created and qualified offline still shows the qualify stage after going
# online, the client does not advance it.
Feature: Business process flows offline

  Background:
    Given a signed-in user whose offline profile is "Field Sales"

  @MO-BPF-001
  Scenario: A single-entity flow offers exactly Next stage, Previous stage and Set Active stage offline
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    Then the device shows the flow "Inspection Process" on the record at stage "Schedule"
    And the record's form offers exactly the stage commands Next stage, Previous stage and Set Active stage

  @MO-BPF-001
  Scenario: Next stage works offline and the move is uploaded at sync
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "Next stage" on the record's flow
    Then the device shows the flow "Inspection Process" on the record at stage "Inspect"
    And the device shows the traversed path "Schedule, Inspect"
    And the server still shows the record's flow at stage "Schedule" with the traversed path "Schedule"
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the record's flow at stage "Inspect" with the traversed path "Schedule, Inspect"

  @MO-BPF-001
  Scenario: Previous stage works offline and the move is uploaded at sync
    Given the server holds a "new_inspection" record the user's profile downloads
    And on the server the record's flow has moved to "Inspect"
    And the device has synced
    And the device is offline
    When the user runs "Previous stage" on the record's flow
    Then the device shows the flow "Inspection Process" on the record at stage "Schedule"
    And the device shows the traversed path "Schedule"
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the record's flow at stage "Schedule" with the traversed path "Schedule"

  @MO-BPF-001
  Scenario: Set Active stage works offline and the move is uploaded at sync
    Given the server holds a "new_inspection" record the user's profile downloads
    And on the server the record's flow has moved to "Close"
    And the device has synced
    And the device is offline
    When the user sets "Schedule" as the active stage of the record's flow
    Then the device shows the flow "Inspection Process" on the record at stage "Schedule"
    And the device shows the traversed path "Schedule"
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the record's flow at stage "Schedule" with the traversed path "Schedule"

  @MO-BPF-002
  Scenario: A flow that spans several entities is not rendered offline
    Given the server holds a "lead" record the user's profile downloads
    And the device has synced
    And the device is offline
    Then the device does not show the record's flow
    When the user asks for the views of "leadtoopportunitysalesprocess" offline
    Then the device refuses it as "not_available_offline"

  @MO-BPF-002
  Scenario: A flow that spans several entities offers no stage commands offline
    Given the server holds a "lead" record the user's profile downloads
    And the device has synced
    And the device is offline
    Then the record's form offers no stage commands

  @MO-BPF-002
  Scenario Outline: "<command>" is refused offline on a flow that spans several entities
    Given the server holds a "lead" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "<command>" on the record's flow
    Then the device refuses it as "command_not_offered"
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server shows the record's flow at stage "Qualify" with the traversed path "Qualify"

    Examples:
      | command          |
      | Next stage       |
      | Previous stage   |
      | Set Active stage |

  @MO-BPF-003
  Scenario Outline: Next stage offline does not evaluate branches; the server resolves the branch after sync (result <result>)
    Given the server holds a "new_inspection" record the user's profile downloads
    And on the server the record's flow has moved to "Inspect"
    And the device has synced
    And the device is offline
    When the user records the inspection result "<result>" offline
    And the user runs "Next stage" on the record's flow
    Then the device shows the flow "Inspection Process" on the record at stage "Follow-up"
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the record's flow at stage "<server stage>" with the traversed path "<server path>"
    And the device shows the flow "Inspection Process" on the record at stage "<server stage>"

    Examples:
      | result | server stage | server path                        |
      | Pass   | Close        | Schedule, Inspect, Close           |
      | Fail   | Follow-up    | Schedule, Inspect, Follow-up       |

  @MO-BPF-004
  Scenario: A lead created and qualified offline still shows the qualify stage after going online
    Given the device has synced
    And the device is offline
    When the user creates a lead offline
    And the user qualifies that lead offline, creating an opportunity
    And the device goes online and syncs
    Then the sync reports no errors
    And the server shows the record's flow at stage "Qualify" with the traversed path "Qualify"
    And the device shows the flow "Lead to Opportunity Sales Process" on the record at stage "Qualify"

  @MO-BPF-004
  Scenario: After going online the user moves a lead qualified offline on with Next stage
    Given the device has synced
    And the device is offline
    When the user creates a lead offline
    And the user qualifies that lead offline, creating an opportunity
    And the device goes online and syncs
    And the user runs "Next stage" on the record's flow
    And the device goes online and syncs
    Then the sync reports no errors
    And the server shows the record's flow at stage "Develop" with the traversed path "Qualify, Develop"
