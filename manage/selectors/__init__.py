"""Reads only the hiring-manager pages make, gathering across the domain: the report, the pipeline, similarity."""
