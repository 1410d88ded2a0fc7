"""The errors a mobile offline profile answers with when it is saved or published.

Each rule of the profile validation is one ``ProfileRuleViolation`` subclass carrying its
Dataverse code. Codes from the platform's error list (``0x80071114``, ``0x80071138``,
``0x80071140``, ...) are used where one exists; the others are the mock's own, in an unused part
of the same range, and listed in FIDELITY.md.

    BadRequest (400)
    └── ProfileRuleViolation
        ├── NotMobileEnabled (0x8005F215)                    entity not available offline
        ├── ProfileNameMissing (0x800609A9), ProfileItemNameMissing (0x800609AA)
        ├── AssociationNameMissing (0x80060997)
        ├── ProfileNameAlreadyExists (0x800609A7)
        ├── ProfileItemNameAlreadyExists (0x800609A8)
        ├── EntityAlreadyInProfile (0x80071149)*
        ├── RelationshipNotDefined (0x80060998)              no such relationship on the entity
        ├── RelationshipLimitExceeded (0x8007114A)*          more than the org's limit (10)
        ├── OneToManyLimitExceeded (0x8007114B)*             a second 1:M or M:M
        ├── CircularRelationship (0x8007114C)*
        ├── SelfReferencingRelationship (0x8007114D)*
        ├── ExclusiveRuleCombined (0x8007114E)*              All / Related only plus another rule
        ├── FilterNotAvailableForOwnership (0x8007114F)*
        ├── OwnedByMeFilterNotAllowed (0x80071136)
        ├── OwnedByMyTeamFilterNotAllowed (0x80071137)
        ├── NoDataFilterSelected (0x80071138)                other data filter without a flag
        ├── RelatedDataOnlyWithoutRelationship (0x80071140)
        ├── TooManyCustomFilters (0x80071114)                more than 3 custom filters
        ├── TooManyFilterConditions (0x80071116)             more than 6 conditions in them
        ├── EmptyEntityFilterXml (0x80071118)
        ├── OrgDataFilterDaysZero (0x80060990)
        ├── RelatedEntityNotInProfile (0x80071148)*          publish only
        └── ProfileWithoutEntities (0x80071131)              publish only

    * the mock's own code
"""

from __future__ import annotations

from typing import ClassVar

from mock_server.errors import BadRequest


class ProfileRuleViolation(BadRequest):
    """A profile, item or association that breaks a mobile offline profile rule."""

    name: ClassVar[str] = "MobileOfflineProfileInvalid"


class NotMobileEnabled(ProfileRuleViolation):
    code = "0x8005F215"
    name = "NotMobileEnabled"


class ProfileNameAlreadyExists(ProfileRuleViolation):
    code = "0x800609A7"
    name = "MobileOfflineProfileNameAlreadyExists"


class ProfileItemNameAlreadyExists(ProfileRuleViolation):
    code = "0x800609A8"
    name = "MobileOfflineProfileItemNameAlreadyExists"


class EntityAlreadyInProfile(ProfileRuleViolation):
    code = "0x80071149"
    name = "MobileOfflineProfileEntityAlreadyExists"


class RelationshipNotDefined(ProfileRuleViolation):
    code = "0x80060998"
    name = "NoDefinedRelationshipsForMOPIAssociation"


class RelationshipLimitExceeded(ProfileRuleViolation):
    code = "0x8007114A"
    name = "MaxRelationshipsPerProfileEntity"


class OneToManyLimitExceeded(ProfileRuleViolation):
    code = "0x8007114B"
    name = "MaxOneToManyRelationshipsPerProfileEntity"


class CircularRelationship(ProfileRuleViolation):
    code = "0x8007114C"
    name = "CircularProfileRelationship"


class SelfReferencingRelationship(ProfileRuleViolation):
    code = "0x8007114D"
    name = "SelfReferencingProfileRelationship"


class ExclusiveRuleCombined(ProfileRuleViolation):
    code = "0x8007114E"
    name = "ExclusiveDataDownloadFilterCombined"


class FilterNotAvailableForOwnership(ProfileRuleViolation):
    code = "0x8007114F"
    name = "DataDownloadFilterNotAvailableForOwnership"


class OwnedByMeFilterNotAllowed(ProfileRuleViolation):
    code = "0x80071136"
    name = "EntityCannotHaveOwnedByMeFilter"


class OwnedByMyTeamFilterNotAllowed(ProfileRuleViolation):
    code = "0x80071137"
    name = "EntityCannotHaveOwnedByMyTeamFilter"


class NoDataFilterSelected(ProfileRuleViolation):
    code = "0x80071138"
    name = "NoDataFilterSelectedForOtherDataFilter"


class RelatedDataOnlyWithoutRelationship(ProfileRuleViolation):
    code = "0x80071140"
    name = "DownloadRelatedDataOnlyMustHaveRelationship"


class TooManyCustomFilters(ProfileRuleViolation):
    code = "0x80071114"
    name = "MaxConditionsMobileOfflineFilters"


class EmptyEntityFilterXml(ProfileRuleViolation):
    code = "0x80071118"
    name = "EmptyEntityFilterXml"


class OrgDataFilterDaysZero(ProfileRuleViolation):
    code = "0x80060990"
    name = "MobileOfflineDaysSinceRecordLastModifiedZero"


class RelatedEntityNotInProfile(ProfileRuleViolation):
    code = "0x80071148"
    name = "RelatedEntityNotInProfile"


class ProfileWithoutEntities(ProfileRuleViolation):
    code = "0x80071131"
    name = "ApplicationProfileMustContainEntity"


class ProfileNameMissing(ProfileRuleViolation):
    code = "0x800609A9"
    name = "MobileOfflineProfileNameCanNotBeNullOrEmpty"


class ProfileItemNameMissing(ProfileRuleViolation):
    code = "0x800609AA"
    name = "MobileOfflineProfileItemNameCanNotBeNullOrEmpty"


class AssociationNameMissing(ProfileRuleViolation):
    code = "0x80060997"
    name = "MOPIAssociationNameCannotBeEmptyOrSpace"


class TooManyFilterConditions(ProfileRuleViolation):
    code = "0x80071116"
    name = "MaxprofileItemFilterConditionsAllowed"
