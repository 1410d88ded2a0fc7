"""The package exports exactly its public surface."""

import mock_server.fetchxml as package


def test_the_public_surface_is_pinned() -> None:
    assert sorted(package.__all__) == [
        "AliasNotFound",
        "EntityMismatch",
        "FetchQuery",
        "FetchXmlError",
        "InvalidAlias",
        "InvalidConditionOperator",
        "InvalidConditionValue",
        "InvalidFilterType",
        "InvalidLinkType",
        "MalformedFetchXml",
        "NotSupportedByMock",
        "TooManyLinkEntities",
        "UnknownAttribute",
        "UnknownEntity",
        "fetchxml_response",
        "parse_fetchxml",
        "run_fetchxml",
    ]
    assert all(hasattr(package, name) for name in package.__all__)


def test_every_error_is_a_400() -> None:
    from mock_server.fetchxml import errors

    classes = [
        getattr(errors, name) for name in package.__all__ if name[0].isupper() and name != "FetchQuery"
    ]
    assert all(issubclass(c, errors.FetchXmlError) and c.status == 400 for c in classes)
