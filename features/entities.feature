# REQUIREMENTS.md section 1, one Scenario Outline per row of the page's table.
#
# "Works offline": with the entity in the user's offline profile, after a sync, with the device
# offline, the command succeeds against the local store, and a write reaches the server at the
# next sync. "Not offered": the device refuses the command with a typed error, does not list it,
# queues nothing, and the server is left as it was.
Feature: Offline entities and commands

  Background:
    Given a signed-in user whose offline profile is "Field Sales"

  @MO-ENT-001
  Scenario Outline: Account: <command> works offline
    Given the server holds a "account" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "account" record
    When the user runs "<command>" offline on a "account" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-002
  Scenario Outline: Activity Pointer: <command> works offline
    Given the server holds a "activitypointer" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "activitypointer" record
    When the user runs "<command>" offline on a "activitypointer" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | read |
      | delete |

  @MO-ENT-002
  Scenario Outline: Activity Pointer: <command> is not offered offline
    Given the server holds a "activitypointer" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "<command>" offline on a "activitypointer" record
    Then the device refuses it as "command_not_offered"
    And the device does not offer "<command>" on a "activitypointer" record
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

    Examples:
      | command |
      | create |
      | update |

  @MO-ENT-003
  Scenario Outline: Appointment: <command> works offline
    Given the server holds a "appointment" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "appointment" record
    When the user runs "<command>" offline on a "appointment" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |
      | convert_to_case |

  @MO-ENT-004
  Scenario Outline: Attachment: <command> works offline
    Given the server holds a "activitymimeattachment" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "activitymimeattachment" record
    When the user runs "<command>" offline on a "activitymimeattachment" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | read |

  @MO-ENT-004
  Scenario Outline: Attachment: <command> is not offered offline
    Given the server holds a "activitymimeattachment" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "<command>" offline on a "activitymimeattachment" record
    Then the device refuses it as "read_only_offline"
    And the device does not offer "<command>" on a "activitymimeattachment" record
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

    Examples:
      | command |
      | create |
      | update |
      | delete |

  @MO-ENT-005
  Scenario Outline: Case: <command> works offline
    Given the server holds a "incident" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "incident" record
    When the user runs "<command>" offline on a "incident" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-006
  Scenario Outline: Competitor: <command> works offline
    Given the server holds a "competitor" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "competitor" record
    When the user runs "<command>" offline on a "competitor" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-007
  Scenario Outline: Competitor Address: <command> works offline
    Given the server holds a "competitoraddress" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "competitoraddress" record
    When the user runs "<command>" offline on a "competitoraddress" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-008
  Scenario Outline: Connection: <command> works offline
    Given the server holds a "connection" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "connection" record
    When the user runs "<command>" offline on a "connection" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | read |

  @MO-ENT-008
  Scenario Outline: Connection: <command> is not offered offline
    Given the server holds a "connection" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "<command>" offline on a "connection" record
    Then the device refuses it as "read_only_offline"
    And the device does not offer "<command>" on a "connection" record
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

    Examples:
      | command |
      | create |
      | update |
      | delete |

  @MO-ENT-009
  Scenario Outline: Connection Role: <command> works offline
    Given the server holds a "connectionrole" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "connectionrole" record
    When the user runs "<command>" offline on a "connectionrole" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | read |

  @MO-ENT-009
  Scenario Outline: Connection Role: <command> is not offered offline
    Given the server holds a "connectionrole" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "<command>" offline on a "connectionrole" record
    Then the device refuses it as "read_only_offline"
    And the device does not offer "<command>" on a "connectionrole" record
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

    Examples:
      | command |
      | create |
      | update |
      | delete |

  @MO-ENT-010
  Scenario Outline: Contact: <command> works offline
    Given the server holds a "contact" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "contact" record
    When the user runs "<command>" offline on a "contact" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-011
  Scenario Outline: Custom entity: <command> works offline
    Given the server holds a "new_inspection" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "new_inspection" record
    When the user runs "<command>" offline on a "new_inspection" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-012
  Scenario Outline: Email: <command> works offline
    Given the server holds a "email" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "email" record
    When the user runs "<command>" offline on a "email" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | read |

  @MO-ENT-012
  Scenario Outline: Email: <command> is not offered offline
    Given the server holds a "email" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "<command>" offline on a "email" record
    Then the device refuses it as "read_only_offline"
    And the device does not offer "<command>" on a "email" record
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

    Examples:
      | command |
      | create |
      | update |
      | delete |

  @MO-ENT-013
  Scenario Outline: Lead: <command> works offline
    Given the server holds a "lead" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "lead" record
    When the user runs "<command>" offline on a "lead" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |
      | qualify |
      | disqualify |

  @MO-ENT-014
  Scenario Outline: Opportunity: <command> works offline
    Given the server holds a "opportunity" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "opportunity" record
    When the user runs "<command>" offline on a "opportunity" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-015
  Scenario Outline: Opportunity Product: <command> works offline
    Given the server holds a "opportunityproduct" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "opportunityproduct" record
    When the user runs "<command>" offline on a "opportunityproduct" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-016
  Scenario Outline: Phone Call: <command> works offline
    Given the server holds a "phonecall" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "phonecall" record
    When the user runs "<command>" offline on a "phonecall" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-017
  Scenario Outline: Position: <command> works offline
    Given the server holds a "position" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "position" record
    When the user runs "<command>" offline on a "position" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-018
  Scenario Outline: Product: <command> works offline
    Given the server holds a "product" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "product" record
    When the user runs "<command>" offline on a "product" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | read |

  @MO-ENT-018
  Scenario Outline: Product: <command> is not offered offline
    Given the server holds a "product" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "<command>" offline on a "product" record
    Then the device refuses it as "read_only_offline"
    And the device does not offer "<command>" on a "product" record
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

    Examples:
      | command |
      | create |
      | update |
      | delete |

  @MO-ENT-019
  Scenario Outline: Task: <command> works offline
    Given the server holds a "task" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "task" record
    When the user runs "<command>" offline on a "task" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | create |
      | read |
      | update |
      | delete |

  @MO-ENT-020
  Scenario Outline: Team: <command> works offline
    Given the server holds a "team" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "team" record
    When the user runs "<command>" offline on a "team" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | read |

  @MO-ENT-020
  Scenario Outline: Team: <command> is not offered offline
    Given the server holds a "team" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "<command>" offline on a "team" record
    Then the device refuses it as "read_only_offline"
    And the device does not offer "<command>" on a "team" record
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

    Examples:
      | command |
      | create |
      | update |
      | delete |

  @MO-ENT-021
  Scenario Outline: User: <command> works offline
    Given the server holds a "systemuser" record the user's profile downloads
    And the device has synced
    And the device is offline
    And the device offers "<command>" on a "systemuser" record
    When the user runs "<command>" offline on a "systemuser" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "<command>"

    Examples:
      | command |
      | read |

  @MO-ENT-021
  Scenario Outline: User: <command> is not offered offline
    Given the server holds a "systemuser" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "<command>" offline on a "systemuser" record
    Then the device refuses it as "read_only_offline"
    And the device does not offer "<command>" on a "systemuser" record
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

    Examples:
      | command |
      | create |
      | update |
      | delete |

  @MO-ENT-030
  Scenario: An entity left out of the user's offline profile is not available offline
    Given the user's offline profile leaves out "position"
    And the server holds a "position" record
    And the device has synced
    And the device is offline
    When the user runs "read" offline on a "position" record
    Then the device refuses it as "not_available_offline"
    When the user runs "create" offline on a "position" record
    Then the device refuses it as "not_available_offline"
    And the device holds no "position" records
    When the device goes online and syncs
    Then the sync uploads nothing
    And the server record is unchanged

  @MO-ENT-031
  Scenario: Writes made offline are uploaded in order and lookups resolve to server ids
    Given the device has synced
    And the device is offline
    When the user creates a "account" named "Offline Traders" offline
    And the user creates a "contact" named "Offline-Okafor" offline, linked to "Offline Traders"
    And the user renames "Offline Traders" to "Offline Traders Ltd" offline
    And the user creates a "task" named "Scratch note" offline
    And the user deletes "Scratch note" offline
    Then the server holds no "account" named "Offline Traders"
    And the server holds no "contact" named "Offline-Okafor"
    When the device goes online and syncs
    Then the sync reports no errors
    And the server holds one "account" named "Offline Traders Ltd"
    And the server holds no "account" named "Offline Traders"
    And the server holds one "contact" named "Offline-Okafor"
    And on the server "Offline-Okafor" points to "Offline Traders Ltd"
    And the server holds no "task" named "Scratch note"

  @MO-ENT-032
  Scenario: Convert Activity to Case offline creates a linked case, uploaded at the next sync
    Given the server holds a "appointment" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "convert_to_case" offline on a "appointment" record
    Then the device answers from its local store
    And the server holds no "incident" named "Site visit"
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "convert_to_case"

  @MO-ENT-033
  Scenario: Qualifying a lead offline marks it qualified and the server creates what was asked
    Given the server holds a "lead" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user qualifies the lead offline, creating an account, a contact and an opportunity
    Then the device shows the lead qualified
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "qualify"
    And the server holds the account, contact and opportunity the qualification created

  @MO-ENT-033
  Scenario: Disqualifying a lead offline sets a disqualified status reason
    Given the server holds a "lead" record the user's profile downloads
    And the device has synced
    And the device is offline
    When the user runs "disqualify" offline on a "lead" record
    Then the device answers from its local store
    When the device goes online and syncs
    Then the sync reports no errors
    And the server shows the offline "disqualify"
