"""The errors a mobile offline profile answers with when it is saved or published.

Each rule of the profile validation is one ``ProfileRuleViolation`` subclass carrying its
Dataverse code. Where Dataverse's error list (the platform's web service error codes) has the
rule, its code, name and message are used (``template``, with Dataverse's placeholders given
names; build such an error with ``of``); the others are the mock's own, with codes in
``0x800711Fx``, away from the codes the platform uses, and listed in FIDELITY.md.

    BadRequest (400)
    └── ProfileRuleViolation
        ├── NotMobileEnabled (0x8005F215)                    entity not available offline
        ├── ProfileNameMissing (0x800609A9), ProfileItemNameMissing (0x800609AA)
        ├── AssociationNameMissing (0x80060997)
        ├── ProfileNameAlreadyExists (0x800609A7)
        ├── ProfileItemNameAlreadyExists (0x800609A8)
        ├── EntityAlreadyInProfile (0x8005F21E)              RelatedEntityAlreadyExistsInProfile
        ├── RelationshipNotDefined (0x80060998)              no such relationship on the entity
        ├── RelationshipLimitExceeded (0x800711F0)*          more than the org's limit (10)
        ├── OneToManyLimitExceeded (0x80071139)              a second 1:M or M:M
        ├── CircularRelationship (0x800711F1)*
        ├── SelfReferencingRelationship (0x800711F2)*
        ├── ExclusiveRuleCombined (0x800711F3)*              All / Related only plus another rule
        ├── FilterNotAvailableForOwnership (0x800711F4)*
        ├── FilterNestedTooDeep (0x800711F5)*                custom filter nested over 3 levels
        ├── OwnedByMeFilterNotAllowed (0x80071136)
        ├── OwnedByMyTeamFilterNotAllowed (0x80071137)
        ├── NoDataFilterSelected (0x80071138)                other data filter without a flag
        ├── RelatedDataOnlyWithoutRelationship (0x80071140)
        ├── InvalidFilterFetchXml (0x80071113)               custom filter that is not XML
        ├── TooManyCustomFilters (0x80071114)                more than 3 custom filters
        ├── TooManyFilterConditions (0x80071116)             more than 6 conditions in them
        ├── EmptyEntityFilterXml (0x80071118)
        ├── OrgDataFilterDaysZero (0x80060990)
        ├── RelatedEntityNotInProfile (0x8006098E)           publish only
        └── ProfileWithoutEntities (0x80071131)              publish only

    * the mock's own code
"""

from __future__ import annotations

from typing import ClassVar, Self

from mock_server.errors import BadRequest


class ProfileRuleViolation(BadRequest):
    """A profile, item or association that breaks a mobile offline profile rule."""

    name: ClassVar[str] = "MobileOfflineProfileInvalid"
    template: ClassVar[str] = ""  # Dataverse's message, where the rule has a documented code

    @classmethod
    def of(cls, **values: object) -> Self:
        """The error with Dataverse's message, its placeholders filled from ``values``."""
        return cls(cls.template.format(**values))


class NotMobileEnabled(ProfileRuleViolation):
    code = "0x8005F215"
    name = "NotMobileEnabled"
    template = "You can't view this type of record on your tablet. Contact your system administrator."


class ProfileNameAlreadyExists(ProfileRuleViolation):
    code = "0x800609A7"
    name = "MobileOfflineProfileNameAlreadyExists"
    template = "A mobile offline profile with this name already exists. Enter a unique name."


class ProfileItemNameAlreadyExists(ProfileRuleViolation):
    code = "0x800609A8"
    name = "MobileOfflineProfileItemNameAlreadyExists"
    template = (
        "A mobile offline profile item with this name already exists for this mobile offline "
        "profile. Enter a unique name."
    )


class EntityAlreadyInProfile(ProfileRuleViolation):
    code = "0x8005F21E"
    name = "RelatedEntityAlreadyExistsInProfile"
    template = "The related entity already exists in this profile."


class RelationshipNotDefined(ProfileRuleViolation):
    code = "0x80060998"
    name = "NoDefinedRelationshipsForMOPIAssociation"
    template = "The Profile Item Association entity doesn't have any defined relationships."


class RelationshipLimitExceeded(ProfileRuleViolation):
    code = "0x800711F0"
    name = "MaxRelationshipsPerProfileEntity"


class OneToManyLimitExceeded(ProfileRuleViolation):
    code = "0x80071139"
    name = "RelationshipGraphLimitExceeded"
    template = (
        "The profile '{profile}' could not be published because it exceeds the allowed numbers of "
        "relationships to the table: '{table}'. Please review and make sure to have no more than "
        "{limit} many to many (M:M) or one to many (1:M) relationship allowed."
    )


class CircularRelationship(ProfileRuleViolation):
    code = "0x800711F1"
    name = "CircularProfileRelationship"


class SelfReferencingRelationship(ProfileRuleViolation):
    code = "0x800711F2"
    name = "SelfReferencingProfileRelationship"


class ExclusiveRuleCombined(ProfileRuleViolation):
    code = "0x800711F3"
    name = "ExclusiveDataDownloadFilterCombined"


class FilterNotAvailableForOwnership(ProfileRuleViolation):
    code = "0x800711F4"
    name = "DataDownloadFilterNotAvailableForOwnership"


class OwnedByMeFilterNotAllowed(ProfileRuleViolation):
    code = "0x80071136"
    name = "EntityCannotHaveOwnedByMeFilter"
    template = (
        "The profile '{profile}' could not be published because the table '{table}' has OwnedByMe "
        "set to true. This property is not a valid property for table: '{table}'."
    )


class OwnedByMyTeamFilterNotAllowed(ProfileRuleViolation):
    code = "0x80071137"
    name = "EntityCannotHaveOwnedByMyTeamFilter"
    template = (
        "The profile '{profile}' could not be published because the table '{table}' has "
        "OwnedByMyTeam set to true. This property is not a valid property for table: '{table}'."
    )


class NoDataFilterSelected(ProfileRuleViolation):
    code = "0x80071138"
    name = "NoDataFilterSelectedForOtherDataFilter"
    template = (
        "The profile '{profile}' could not be published because the table '{table}' has Data "
        "Download Filter 'Other data filter' however no data filter option was selected. Please "
        "add at least one data filter option for table: '{table}'."
    )


class RelatedDataOnlyWithoutRelationship(ProfileRuleViolation):
    code = "0x80071140"
    name = "DownloadRelatedDataOnlyMustHaveRelationship"
    template = (
        "The profile '{profile}' could not be published because it is configured to download "
        "related records only for table: '{table}', but no relationships are specified. Please "
        "review the filter selection of \"download related records only\" for table '{table}' and "
        "select at least one relationship or change the filter type for the table '{table}'."
    )


class TooManyCustomFilters(ProfileRuleViolation):
    code = "0x80071114"
    name = "MaxConditionsMobileOfflineFilters"
    template = "You can only define {limit} Mobile offline Org  filter for each entity."


class EmptyEntityFilterXml(ProfileRuleViolation):
    code = "0x80071118"
    name = "EmptyEntityFilterXml"
    template = "The FetchXML is missing."


class OrgDataFilterDaysZero(ProfileRuleViolation):
    code = "0x80060990"
    name = "MobileOfflineDaysSinceRecordLastModifiedZero"
    template = "No records will be available in the mobile offline mode if the value for number of days is 0."


class RelatedEntityNotInProfile(ProfileRuleViolation):
    code = "0x8006098E"
    name = "RelatedEntityDoesNotExistInProfileItem"
    template = (
        "The related entity {table} of the mobile offline profile item association {association} "
        "of the mobile offline profile item {item} doesn't exist in the profile items of profile "
        "{profile}."
    )


class ProfileWithoutEntities(ProfileRuleViolation):
    code = "0x80071131"
    name = "ApplicationProfileMustContainEntity"
    template = (
        "The profile '{profile}' could not be published because it does not contain any tables. "
        "Please add at least one table."
    )


class ProfileNameMissing(ProfileRuleViolation):
    code = "0x800609A9"
    name = "MobileOfflineProfileNameCanNotBeNullOrEmpty"
    template = "The mobile offline profile name can't be null or empty. Enter a name for this profile."


class ProfileItemNameMissing(ProfileRuleViolation):
    code = "0x800609AA"
    name = "MobileOfflineProfileItemNameCanNotBeNullOrEmpty"
    template = (
        "The mobile offline profile item name can't be null or empty. Enter a name for this profile item."
    )


class AssociationNameMissing(ProfileRuleViolation):
    code = "0x80060997"
    name = "MOPIAssociationNameCannotBeEmptyOrSpace"
    template = "The Mobile Offline Profile Item Association name can't be a space or an empty string."


class TooManyFilterConditions(ProfileRuleViolation):
    code = "0x80071116"
    name = "MaxprofileItemFilterConditionsAllowed"
    template = "You can only define {limit} Mobile offline entity filter conditions for each entity."


class InvalidFilterFetchXml(ProfileRuleViolation):
    code = "0x80071113"
    name = "InvalidMobileOfflineFiltersFetchXml"
    template = "XML Format mismatch. Check for the correctness of XML."


class FilterNestedTooDeep(ProfileRuleViolation):
    code = "0x800711F5"
    name = "MaxNestingMobileOfflineFilters"
