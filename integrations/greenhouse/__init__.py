"""Greenhouse Assessment Partner API: list_tests, send_test, test_status and the PATCH callback (docs/greenhouse.md)."""
