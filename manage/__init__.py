"""Hiring-manager pages: loops and their pipelines, the loop builder, invitations, the candidate report,
calibration and similarity. A top layer: it reads the domain through selectors and changes it through services."""
