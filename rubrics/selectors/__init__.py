"""Reads of rubrics and scorecards, one module per entity, and the reads that gather across the domain
(the attempt result the API and Greenhouse give, calibration)."""
