"""The OData v4 wire: URLs, query options, $filter, query plans, JSON shapes."""
