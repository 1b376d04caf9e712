"""Writes to rubrics and scorecards, one module per entity; the demo, which builds across the domain."""
