"""Writes of tenancy: colleagues' roles and deactivation (``memberships``), invite links (``colleague_invites``)."""
