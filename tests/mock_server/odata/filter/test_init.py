"""The package exports exactly its public surface."""

import mock_server.odata.filter as package


def test_the_public_surface_is_pinned() -> None:
    assert sorted(package.__all__) == [
        "And",
        "Arith",
        "Arithmetic",
        "Call",
        "Compare",
        "FilterScope",
        "Lambda",
        "Literal",
        "Node",
        "Not",
        "Op",
        "Or",
        "PropertyPath",
        "QueryFunction",
        "TooManyConditionsInQuery",
        "compile_filter",
        "parse_filter",
    ]
    assert all(hasattr(package, name) for name in package.__all__)
