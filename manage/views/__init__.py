"""The hiring-manager pages, one module per entity; base.py is what they share."""
