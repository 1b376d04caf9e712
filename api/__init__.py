"""DRF plumbing: the organisation-scoped API base, idempotency, pagination, rate limits, the schema, errors."""
