"""Storage: SQLAlchemy Core tables derived from the schema, and the database they live in."""
