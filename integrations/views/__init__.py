"""The organisation admins' integration pages, one module per entity; base.py is what they share."""
