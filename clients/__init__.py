"""Offline clients the suite runs against: the reference client, and mutants of it."""
