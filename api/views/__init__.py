"""The REST API's views, one module per entity: /api/v1/ and the candidate's /take/<token>/api/."""
